package io.discordination.ops.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.Secret;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.CuttableProxy;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The central audit trail in moto's CloudWatch Logs: every spooled record reaches the log group
 * exactly once with its id (counted with the aws CLI), also after a crash between shipping and
 * recording the position, after the trail was unreachable (a proxy in front of moto that refuses
 * CloudWatch Logs), and under {@code audit.requireCentral}, where a destructive effect whose
 * records cannot reach the trail is refused. No secret reaches an event.
 */
@ExtendWith(SandboxExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AuditTrailTest {
    private static final String PLANTED = "s3cr3t-Shipped-Nowhere-4417";

    @TempDir
    Path home;

    private SandboxInfo info;
    private CuttableProxy proxy;
    private String group;
    private final List<String> notices = new CopyOnWriteArrayList<>();

    @BeforeEach
    void group(SandboxInfo info) {
        this.info = info;
        this.proxy = CuttableProxy.to(info.awsEndpoint());
        this.group = "/discordination/ops/audit-test/" + UUID.randomUUID();
        try (CloudWatchLogsClient logs = SandboxAws.client(info, CloudWatchLogsClient.builder())) {
            logs.createLogGroup(b -> b.logGroupName(group));
        }
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private Environment environment(boolean requireCentral) throws IOException {
        Path file = home.resolve("trail.yaml");
        Files.writeString(file, """
                name: trail
                aws:
                  region: %s
                  endpoint: %s
                  accessKeyId: %s
                  secretAccessKey: %s
                livekit:
                  apiSecret: %s
                registry:
                  table: discordination-ops
                  auditLogGroup: %s
                audit:
                  requireCentral: %s
                """.formatted(info.region(), proxy.endpoint(), info.accessKeyId(), info.secretAccessKey(), PLANTED, group, requireCentral));
        return Environment.load(file, variable -> null);
    }

    private OpsContext context(boolean requireCentral) throws IOException {
        return OpsContext.builder().environment(environment(requireCentral)).opsHome(home)
                .confirmer(Confirmer.nonInteractive(true, null)).notices(notices::add).build();
    }

    private static Effect harmless(String target) {
        return Effect.on("test", target).verb("touch").param("what", target).build();
    }

    private static Effect destructive(String target) {
        return Effect.on("test", target).verb("remove").param("what", target).destructive().build();
    }

    private Path spool() {
        return home.resolve("audit").resolve("trail.jsonl");
    }

    private List<String> spoolIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(spool())) ids.add(Json.mapper().readTree(line).path("id").asText(null));
        return ids;
    }

    /** Every event of the group, read with the aws CLI: the message of each, parsed. */
    private List<JsonNode> central() throws IOException {
        JsonNode out = Json.mapper().readTree(SandboxAws.cli(info, "logs", "filter-log-events", "--log-group-name", group));
        List<JsonNode> records = new ArrayList<>();
        for (JsonNode e : out.path("events")) records.add(Json.mapper().readTree(e.path("message").asText()));
        return records;
    }

    private static List<String> ids(List<JsonNode> records) {
        return records.stream().map(r -> r.path("id").asText(null)).toList();
    }

    private void awaitShipped(AuditTrail trail) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (trail.backlog() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(trail.backlog()).as("the spool is shipped").isFalse();
    }

    @Test
    void ship_whenEffectsRunAndOldRecordsWait_everyRecordReachesTheGroupOnceWithItsId() throws Exception {
        // a line written before records had ids
        Files.createDirectories(spool().getParent());
        Files.writeString(spool(), "{\"time\":\"" + java.time.Instant.now().minusSeconds(60)
                + "\",\"event\":\"ok\",\"runId\":\"old-run\",\"environment\":\"trail\",\"effect\":{\"system\":\"test\",\"target\":\"old\",\"verb\":\"touch\"}}\n");
        try (OpsContext ctx = context(false)) {
            for (String target : List.of("a", "b", "c")) ctx.gate().apply(harmless(target), () -> "done", () -> "planned");
        }
        try (OpsContext again = context(false)) {
            assertThat(((AuditTrail) again.auditTrail()).backlog()).isFalse();
        }

        List<JsonNode> central = central();
        List<String> spooled = spoolIds();
        assertThat(spooled).hasSize(7).doesNotHaveDuplicates();
        assertThat(spooled.get(0)).as("an old line reads without an id").isNull();
        assertThat(spooled.subList(1, 7)).allSatisfy(id -> assertThat(id).isNotBlank());
        assertThat(ids(central)).as("each record once, with its id").hasSize(7).doesNotHaveDuplicates()
                .containsAll(spooled.subList(1, 7)).doesNotContainNull();
        assertThat(central).filteredOn(r -> r.path("runId").asText().equals("old-run")).singleElement()
                .satisfies(r -> assertThat(r.path("id").asText()).isNotBlank());
        String streams = SandboxAws.cli(info, "logs", "describe-log-streams", "--log-group-name", group);
        assertThat(Json.mapper().readTree(streams).path("logStreams")).singleElement()
                .satisfies(s -> assertThat(s.path("logStreamName").asText()).startsWith(AuditTrail.host() + "/trail-"));
        assertThat(notices).isEmpty();
    }

    @Test
    void ship_whenTheBacklogExceedsOneCall_splitsItByCountBytesAndTimeSpanAndSortsEachBatch() throws Exception {
        java.time.Instant now = java.time.Instant.now();
        StringBuilder spooled = new StringBuilder();
        List<String> expected = new ArrayList<>();
        // 10,001 small records, newest first: more than one call holds, and out of time order
        for (int i = 0; i < 10_001; i++) {
            String id = "small-" + i;
            expected.add(id);
            spooled.append("{\"id\":\"").append(id).append("\",\"time\":\"").append(now.minusMillis(i)).append("\"}\n");
        }
        // six records of 200 KB: five fill a call's megabyte; one of 300 KB, too large for an event
        String large = "x".repeat(200 * 1024);
        for (int i = 0; i < 6; i++) {
            expected.add("large-" + i);
            spooled.append(Json.write(Map.of("id", "large-" + i, "time", now.toString(), "reason", large))).append('\n');
        }
        expected.add("huge");
        spooled.append(Json.write(Map.of("id", "huge", "time", now.toString(), "reason", "y".repeat(300 * 1024)))).append('\n');
        // two days apart: one call spans at most a day
        expected.add("two-days-ago");
        spooled.append(Json.write(Map.of("id", "two-days-ago", "time", now.minus(java.time.Duration.ofDays(2)).toString()))).append('\n');
        expected.add("now");
        spooled.append(Json.write(Map.of("id", "now", "time", now.toString()))).append('\n');
        Files.createDirectories(spool().getParent());
        Files.writeString(spool(), spooled);

        long puts;
        try (OpsContext ctx = context(false)) {
            awaitShipped((AuditTrail) ctx.auditTrail());
            puts = ctx.auditTrailCalls().snapshot().calls("CloudWatchLogs:PutLogEvents");
            assertThat(ctx.awsCalls().snapshot().isEmpty()).as("the trail's calls are not the run's").isTrue();
        }

        // 10,000 small | 1 small + 5 large | 1 large + huge | two days ago | now
        assertThat(puts).isEqualTo(5);
        JsonNode messages = Json.mapper().readTree(SandboxAws.cli(info, "logs", "filter-log-events", "--log-group-name", group,
                "--query", "events[].message"));
        List<JsonNode> central = new ArrayList<>();
        for (JsonNode m : messages) central.add(Json.mapper().readTree(m.asText()));
        assertThat(ids(central)).hasSize(expected.size()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        assertThat(central).filteredOn(r -> r.path("id").asText().equals("huge")).singleElement()
                .satisfies(r -> assertThat(r.path("truncated").asText()).contains("the spool has it whole"));
        assertThat(notices).isEmpty();
    }

    @Test
    void ship_whenACrashLeftABatchInFlight_shipsWhatIsMissingAndNothingTwice() throws Exception {
        AuditTrail.Position sent;
        try (OpsContext ctx = context(false)) {
            ctx.gate().apply(harmless("sent"), () -> "done", () -> "planned");
            awaitShipped((AuditTrail) ctx.auditTrail());
            sent = ((AuditTrail) ctx.auditTrail()).readPosition();
        }
        // a crash after PutLogEvents, before the position was recorded: the batch is still marked in flight
        AuditTrail marker;
        try (OpsContext idle = context(false)) {
            marker = (AuditTrail) idle.auditTrail();
        }
        marker.writePosition(new AuditTrail.Position(sent.spool(), sent.stream(), 0, new AuditTrail.InFlight(0, sent.offset(), 2)));
        try (OpsContext next = context(false)) {
            awaitShipped((AuditTrail) next.auditTrail());
        }
        assertThat(ids(central())).as("the batch that went out is not sent again").hasSize(2);

        // a crash before PutLogEvents: two more records marked in flight, never sent
        AuditLog spool = AuditLog.forEnvironment(home, "trail", new io.discordination.ops.Redactor());
        spool.append(new AuditLog.Record(java.time.Instant.now(), "started", "crashed-run", "trail", null, harmless("x"), null, null));
        spool.append(new AuditLog.Record(java.time.Instant.now(), "ok", "crashed-run", "trail", null, harmless("x"), null, 1L));
        AuditTrail.InFlight unsent = new AuditTrail.InFlight(sent.offset(), Files.size(spool()), 2);
        marker.writePosition(new AuditTrail.Position(sent.spool(), sent.stream(), sent.offset(), unsent));
        try (OpsContext next = context(false)) {
            awaitShipped((AuditTrail) next.auditTrail());
        }
        assertThat(ids(central())).as("the batch that did not go out is sent").hasSize(4);

        // and the same batch left in flight once more, after it went out
        marker.writePosition(new AuditTrail.Position(sent.spool(), sent.stream(), sent.offset(), unsent));
        try (OpsContext next = context(false)) {
            awaitShipped((AuditTrail) next.auditTrail());
        }
        assertThat(ids(central())).hasSize(4).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(spoolIds());
        assertThat(notices).isEmpty();
    }

    @Test
    void ship_whenTheTrailIsCutDuringARun_theRunGoesOnWithTheSpoolAndTheNextCommandShipsEachRecordOnce() throws Exception {
        try (OpsContext ctx = context(false)) {
            ctx.gate().apply(harmless("before"), () -> "done", () -> "planned");
            awaitShipped((AuditTrail) ctx.auditTrail());
            proxy.cut(CuttableProxy.CLOUDWATCH_LOGS);
            ctx.gate().apply(harmless("during"), () -> "done", () -> "planned");
            ctx.gate().apply(destructive("during-destructive"), () -> "done", () -> "planned");
        }
        assertThat(notices).as("said once").singleElement().satisfies(n ->
                assertThat(n).contains("central audit trail", group, "cannot be written", spool().toString(), "next command"));
        assertThat(spoolIds()).hasSize(6);
        assertThat(ids(central())).hasSize(2);

        proxy.restore();
        try (OpsContext next = context(false)) {
            awaitShipped((AuditTrail) next.auditTrail());
        }
        assertThat(ids(central())).hasSize(6).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(spoolIds());
    }

    @Test
    void apply_whenTheTrailIsRequiredAndCut_refusesDestructiveEffectsWithTheReasonAndShipsTheRefusalLater() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        try (OpsContext ctx = context(true)) {
            // reachable: the effect's "started" record is in the group before its code runs
            ctx.gate().apply(destructive("first"), () -> {
                ran.set(true);
                assertThat(central()).extracting(r -> r.path("event").asText() + " " + r.path("effect").path("target").asText())
                        .contains("started first");
                return "done";
            }, () -> "planned");
            assertThat(ran).isTrue();
            ran.set(false);

            proxy.cut(CuttableProxy.CLOUDWATCH_LOGS);
            ctx.gate().apply(harmless("harmless"), () -> "done", () -> "planned");
            assertThatThrownBy(() -> ctx.gate().apply(destructive("second"), () -> ran.getAndSet(true), () -> false))
                    .isInstanceOf(OpsException.RefusedException.class)
                    .satisfies(e -> assertThat(((OpsException) e).exitCode()).isEqualTo(3))
                    .hasMessageContaining("Refused: remove second: the central audit trail cannot be written and environment trail requires it (audit.requireCentral)")
                    .hasMessageContaining(group);
            assertThat(ran).as("the refused effect's code never ran").isFalse();
        }
        List<String> spooled = Files.readAllLines(spool());
        assertThat(spooled).extracting(l -> Json.mapper().readTree(l).path("event").asText())
                .containsExactly("started", "ok", "started", "ok", "started", "refused");

        proxy.restore();
        try (OpsContext next = context(true)) {
            awaitShipped((AuditTrail) next.auditTrail());
        }
        assertThat(ids(central())).hasSize(6).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(spoolIds());
    }

    @Test
    void ship_whenAnEffectCarriesSecrets_noEventContainsThem() throws Exception {
        String dbPassword = "db-Pa55-shipped-in-url";
        Effect planted = Effect.on("livekit", "room voice:1 " + PLANTED).verb("remove-" + PLANTED)
                .param("plain", "x" + PLANTED + "y").param("typed", Secret.of("typed-secret-only-here"))
                .param("url", "postgresql://app:" + dbPassword + "@127.0.0.1/discordination")
                .inverse("undo with " + PLANTED)
                .command(CommandTemplate.of("livekit-cli --api-secret <secret>").with("secret", PLANTED)).build();
        try (OpsContext ctx = context(false)) {
            assertThatThrownBy(() -> ctx.gate().apply(planted, () -> {
                throw new IllegalStateException("server said: bad secret " + PLANTED + " for postgresql://app:" + dbPassword + "@h/db");
            }, () -> null)).isInstanceOf(OpsException.class);
        }
        String events = SandboxAws.cli(info, "logs", "filter-log-events", "--log-group-name", group);
        assertThat(Json.mapper().readTree(events).path("events")).as(notices.toString()).hasSize(2);
        assertThat(events).contains("started", "failed", "****").doesNotContain(PLANTED, dbPassword, "typed-secret-only-here");
        assertThat(notices).isEmpty();
    }
}
