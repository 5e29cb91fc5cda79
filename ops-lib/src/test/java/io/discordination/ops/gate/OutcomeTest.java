package io.discordination.ops.gate;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.account.AccountDisabled;
import io.discordination.ops.account.ForcedDisconnect;
import io.discordination.ops.account.SessionsInvalidated;
import io.discordination.ops.ecs.EcsDeployment;
import io.discordination.ops.ecs.EcsTaskRun;
import io.discordination.ops.livekit.ParticipantRemoved;
import io.discordination.ops.postgres.TerminatedConnections;
import io.discordination.ops.rds.RdsRestoration;
import io.discordination.ops.rds.RdsSnapshotCreation;
import io.discordination.ops.redis.DeletedKeys;
import io.discordination.ops.redis.FlushedDatabase;
import io.discordination.ops.redis.Published;
import io.discordination.ops.s3.ObjectRestore;
import io.discordination.ops.secrets.SecretRotation;
import io.discordination.ops.waf.IpSetChange;
import io.discordination.ops.waf.IpSetChanges;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** One shape for what a mutating verb returns: planned or done, said the same way in Java, JSON and text. */
class OutcomeTest {
    /** The result of every mutating verb of the library. */
    private static final List<Class<?>> RESULTS = List.of(Published.class, DeletedKeys.class, FlushedDatabase.class,
            TerminatedConnections.class, AccountDisabled.class, ForcedDisconnect.class, SessionsInvalidated.class,
            ParticipantRemoved.class, ObjectRestore.class, SecretRotation.class, IpSetChange.class, IpSetChanges.class,
            EcsTaskRun.class, EcsDeployment.class, RdsSnapshotCreation.class, RdsRestoration.class);

    private static final Effect EFFECT = Effect.on("redis", "redis 127.0.0.1:6379 db 0").verb("publish")
            .command(io.discordination.ops.redis.Redis.PUBLISH.with("channel", "c").with("message", "m")).build();

    @Test
    void everyEffectResult_isAnOutcomeAndSaysPlannedNeverDryRun() {
        for (Class<?> type : RESULTS) {
            assertThat(Outcome.class).as(type.getSimpleName()).isAssignableFrom(type);
            List<String> accessors = new ArrayList<>(Arrays.stream(type.getMethods()).map(Method::getName).toList());
            assertThat(accessors).as(type.getSimpleName()).contains("planned", "effect").doesNotContain("dryRun");
        }
    }

    @Test
    void json_whenAResultIsWritten_saysPlannedAndLeavesTheEffectToThePlan() throws Exception {
        JsonNode published = Json.mapper().readTree(Json.write(new Published("c", 3, true, EFFECT)));
        JsonNode flushed = Json.mapper().readTree(Json.write(new FlushedDatabase(0, 10, List.of("n1"), false, EFFECT)));

        assertThat(published.get("planned").asBoolean()).isTrue();
        assertThat(flushed.get("planned").asBoolean()).isFalse();
        assertThat(published.has("effect") || published.has("dryRun") || flushed.has("effect") || flushed.has("dryRun")).isFalse();
        assertThat(new Published("c", 3, true, EFFECT).effect().command()).isEqualTo("redis-cli -u \"$REDIS_URL\" PUBLISH c m");
    }

    @Test
    void text_whenPlanned_saysPlannedOneWayAndWhatWouldHappen() {
        Duration d = Duration.ofSeconds(1);
        List<Object> planned = List.of(
                new Published("force-disconnect", 2, true, EFFECT),
                new DeletedKeys("api:cache:*", true, 0, 5, 9, d, List.of(), "client", EFFECT),
                new FlushedDatabase(0, 10, List.of("n1"), true, EFFECT),
                new TerminatedConnections("discordination", Duration.ofMinutes(10), List.of(), true, EFFECT),
                new AccountDisabled("u1", false, true, EFFECT),
                new ForcedDisconnect("u1", "force-disconnect", 2, true, EFFECT),
                new SessionsInvalidated("u1", 3, true, EFFECT),
                new ParticipantRemoved("room-1", "bot", true, EFFECT),
                new IpSetChange("blocked-ips", "45.33.0.1/32", "block", true, "would block", 0, 3, true, EFFECT),
                new IpSetChanges("blocked-ips", "block", List.of(), 0, 3, true, EFFECT),
                new SecretRotation("prod/db", "put-secret-value", "v1", null, "v1", null, true, 0, d, EFFECT),
                new ObjectRestore("files", "a/b", "v1", null, null, true, null, false, true, EFFECT));

        for (Object result : planned) {
            assertThat(result.toString()).as(result.getClass().getSimpleName())
                    .startsWith("planned (dry run): ").doesNotContain("Would ").doesNotContain("(dry run)\n");
        }
        assertThat(new DeletedKeys("api:cache:*", true, 0, 5, 9, d, List.of(), "client", EFFECT).toString())
                .startsWith(Outcome.plannedText("delete 5 keys matching api:cache:*"));
        assertThat(new SessionsInvalidated("u1", 3, false, EFFECT).toString()).isEqualTo("Deleted 3 sessions of user u1");
        assertThat(new AccountDisabled("u1", true, false, EFFECT).toString()).isEqualTo("Disabled user u1 (it already was)");
    }

    @Test
    void text_whenAResultHasManyRows_showsTheTopRowsTotalsAndHowManyWereLeftOut() {
        List<TerminatedConnections.IdleConnection> idle = IntStream.range(0, 500).mapToObj(i ->
                new TerminatedConnections.IdleConnection(1000 + i, "app", "api", "10.0.0." + (i % 250), Duration.ofMinutes(20), true, null)).toList();
        List<IpSetChange> changes = IntStream.range(0, 2000).mapToObj(i ->
                new IpSetChange("blocked-ips", "45.33." + (i / 250) + "." + (i % 250) + "/32", "block", true, "blocked", 1, 2002, false, EFFECT))
                .toList();

        String terminated = new TerminatedConnections("discordination", Duration.ofMinutes(10), idle, false, EFFECT).toString();
        String blocked = new IpSetChanges("blocked-ips", "block", changes, 1, 2002, false, EFFECT).toString();

        assertThat(terminated).startsWith("Terminated 500 connections").contains("1019").doesNotContain("1020")
                .contains("... 480 more connections left out (--output json has them all)");
        assertThat(terminated.lines().count()).isLessThan(30);
        assertThat(blocked).contains("addresses now", "2002", "45.33.0.19/32").doesNotContain("45.33.0.20/32")
                .contains("... 1980 more addresses left out (--output json has them all)");
        assertThat(blocked.lines().count()).isLessThan(40);
    }
}
