package io.discordination.ops.redis;

import io.discordination.ops.CallCounter;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.Json;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Mode;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis handle against the sandbox's redis-server, checked with {@code redis-cli} and a plain
 * socket subscriber. Tests that empty a database use a private server.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class RedisTest {
    @TempDir
    Path home;

    private OpsContext context(SandboxInfo info, Mode mode, boolean yes) {
        return OpsContext.builder().environment(Environment.load(info.environmentFile())).opsHome(home).mode(mode)
                .confirmer(Confirmer.nonInteractive(yes, null)).build();
    }

    private static String cli(SandboxInfo info, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("redis-cli", "-p", String.valueOf(info.redisPort())));
        command.addAll(List.of(args));
        return RedisServer.run(command, null);
    }

    private static long count(SandboxInfo info, String pattern) {
        return Long.parseLong(cli(info, "EVAL", RedisServer.COUNT_SCRIPT, "0", pattern));
    }

    private static Map<String, Long> keyCounts(SandboxInfo info) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String prefix : List.of("api:cache:", "rl:", "session:", "presence:", "user:")) counts.put(prefix, count(info, prefix + "*"));
        return counts;
    }

    private static OpsContext privateContext(Path home, String url, boolean yes) throws Exception {
        Path env = home.resolve("private.yaml");
        Files.writeString(env, "name: private\nredis:\n  url: " + url + "\n");
        return OpsContext.builder().environment(Environment.load(env)).opsHome(home).confirmer(Confirmer.nonInteractive(yes, null)).build();
    }

    @Test
    void redisCommands_whenPubsubTotalsAreRead_countsOneInfoAndOneClientListAndNoPubsubCommand(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            Redis redis = ctx.redis();
            redis.info("server"); // connects and learns the topology first
            Map<String, Long> before = ctx.redisCommands().snapshot();

            redis.pubsub();

            // the sandbox's Redis is one standalone server: one node
            assertThat(CallCounter.since(ctx.redisCommands().snapshot(), before)).isEqualTo(Map.of("CLIENT", 1L, "INFO", 1L));
        }
    }

    @Test
    void info_whenSectionServer_parsesFieldsAsRedisCliShowsThem(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            RedisInfo server = ctx.redis().info("server");

            String version = cli(info, "INFO", "server").lines().filter(l -> l.startsWith("redis_version:"))
                    .findFirst().orElseThrow().substring("redis_version:".length()).trim();
            assertThat(server.get("redis_version")).contains(version);
            assertThat(server.asLong("tcp_port")).isEqualTo(info.redisPort());
            assertThat(server.toString()).contains("# server", "redis_version");
            assertThat(Json.write(server)).contains("\"redis_version\":\"" + version + "\"");
        }
    }

    @Test
    void clients_whenAGatewayIsSubscribed_listsItWithItsSubscription(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false);
             Subscriber gateway = Subscriber.subscribe(info.redisPort(), "gateway-test-1", "user:" + SeedData.WELL_KNOWN_USER_ID)) {
            RedisClients clients = ctx.redis().clients();

            assertThat(clients.clients()).anySatisfy(c -> {
                assertThat(c.name()).isEqualTo("gateway-test-1");
                assertThat(c.subscriptions()).isEqualTo(1);
            });
            assertThat(clients.byName()).containsEntry("gateway-test-1", 1L).containsKey(RedisConnections.CLIENT_NAME);
            long listed = cli(info, "CLIENT", "LIST").lines().filter(l -> !l.isBlank()).count();
            // redis-cli's own connection is one more than ours saw
            assertThat(clients.count()).isEqualTo(listed - 1);
            assertThat(clients.toString()).contains("gateway-test-1");
        }
    }

    @Test
    void pubsubNumsub_whenTwoGatewaysListen_countsBothAndListsActiveChannels(SandboxInfo info) {
        String channel = "user:" + SeedData.WELL_KNOWN_USER_ID;
        try (OpsContext ctx = context(info, Mode.EXECUTE, false);
             Subscriber a = Subscriber.subscribe(info.redisPort(), "gateway-a", channel);
             Subscriber b = Subscriber.subscribe(info.redisPort(), "gateway-b", channel)) {
            Redis redis = ctx.redis();

            assertThat(redis.pubsubNumsub(channel, "user:nobody").channels()).containsExactly(Map.entry(channel, 2L), Map.entry("user:nobody", 0L));
            assertThat(redis.pubsubChannels("user:" + SeedData.WELL_KNOWN_USER_ID, 10).channels()).containsEntry(channel, 2L);
            assertThat(redis.pubsub().topClients()).extracting(PubSubSummary.ClientGroup::name).contains("gateway-a", "gateway-b");
            assertThat(cli(info, "PUBSUB", "NUMSUB", channel)).endsWith("2");
        }
    }

    @Test
    void memory_whenRead_matchesInfoMemoryAndTheEvictionPolicy(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            RedisMemory memory = ctx.redis().memory();

            assertThat(memory.nodes()).singleElement().satisfies(n -> {
                assertThat(n.usedBytes()).isPositive();
                assertThat(n.peakBytes()).isGreaterThanOrEqualTo(n.usedBytes() / 2);
                assertThat(n.fragmentationRatio()).isPositive();
                assertThat(n.maxmemoryPolicy()).isEqualTo(cli(info, "CONFIG", "GET", "maxmemory-policy").lines().toList().get(1));
                assertThat(n.maxmemoryBytes()).isEqualTo(Long.parseLong(cli(info, "CONFIG", "GET", "maxmemory").lines().toList().get(1)));
            });
            assertThat(memory.toString()).contains("USED", "POLICY");
        }
    }

    @Test
    void bigKeys_whenSandboxSeeded_reportsWhatRedisCliBigkeysReports(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            BigKeys ours = ctx.redis().bigKeys();

            String report = cli(info, "--bigkeys");
            Matcher sampled = Pattern.compile("Sampled (\\d+) keys").matcher(report);
            assertThat(sampled.find()).isTrue();
            assertThat(ours.sampledKeys()).isEqualTo(Long.parseLong(sampled.group(1)));
            Matcher biggest = Pattern.compile("Biggest\\s+(\\w+) found '\"(.*)\"' has (\\d+) (\\w+)").matcher(report);
            int types = 0;
            while (biggest.find()) {
                types++;
                String type = biggest.group(1);
                BigKeys.TypeStats stats = ours.types().stream().filter(t -> t.type().equals(type)).findFirst().orElseThrow();
                assertThat(stats.biggestSize()).as(type).isEqualTo(Long.parseLong(biggest.group(3)));
                assertThat(stats.unit()).isEqualTo(biggest.group(4));
            }
            assertThat(types).isEqualTo(ours.types().size()).isGreaterThanOrEqualTo(2);
            Matcher totals = Pattern.compile("(\\d+) (\\w+)s with (\\d+) \\w+ \\(").matcher(report);
            while (totals.find()) {
                String type = totals.group(2);
                long keys = Long.parseLong(totals.group(1));
                if (keys == 0) continue;
                BigKeys.TypeStats stats = ours.types().stream().filter(t -> t.type().equals(type)).findFirst().orElseThrow();
                assertThat(stats.keys()).as(type).isEqualTo(keys);
                assertThat(stats.totalSize()).as(type).isEqualTo(Long.parseLong(totals.group(3)));
            }
            assertThat(ours.types()).allSatisfy(t -> assertThat(t.biggestKeyMemoryBytes()).isPositive());
        }
    }

    @Test
    void publish_whenAGatewayListens_deliversTheMessageAndCountsIt(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false);
             Subscriber gateway = Subscriber.subscribe(info.redisPort(), "gateway-test", "announcements")) {
            Published published = ctx.redis().publish("announcements", "{\"type\":\"Maintenance\"}");

            assertThat(published.receivers()).isEqualTo(1);
            assertThat(gateway.awaitMessage(Duration.ofSeconds(5))).contains("{\"type\":\"Maintenance\"}");
            assertThat(ctx.gate().audit().read()).extracting(AuditLog.Record::event).containsExactly("started", "ok");
        }
    }

    @Test
    void publish_whenDryRun_sendsNothingAndPlansTheCommand(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.DRY_RUN, false);
             Subscriber gateway = Subscriber.subscribe(info.redisPort(), "gateway-test", "announcements")) {
            Published planned = ctx.redis().publish("announcements", "hello");

            assertThat(planned.planned()).isTrue();
            assertThat(planned.receivers()).isEqualTo(1);
            assertThat(gateway.awaitMessage(Duration.ofMillis(300))).isEmpty();
            assertThat(ctx.plan().effects()).singleElement().satisfies(e -> {
                assertThat(e.destructive()).isFalse();
                assertThat(e.command()).isEqualTo("redis-cli -u \"$REDIS_URL\" PUBLISH announcements hello");
            });
        }
    }

    @Test
    void countMatching_whenKeysMatch_countsWhatScanFindsAndChangesNothing(SandboxInfo info) {
        cli(info, "MSET", "count-test:a", "1", "count-test:b", "2", "count-test:c", "3");
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            MatchingKeys counted = ctx.redis().countMatching("count-test:*");

            assertThat(counted.matched()).isEqualTo(3).isEqualTo(count(info, "count-test:*"));
            assertThat(counted.keyspace()).isGreaterThan(3);
            assertThat(counted.toString()).contains("3 keys match count-test:*");
            assertThat(ctx.gate().audit().read()).isEmpty();
        } finally {
            assertThat(count(info, "count-test:*")).isEqualTo(3);
            cli(info, "DEL", "count-test:a", "count-test:b", "count-test:c");
        }
    }

    @Test
    void deleteMatching_whenApiCache_deletesEveryApiCacheKeyAndNoOtherKey(SandboxInfo info) {
        Map<String, Long> before = keyCounts(info);
        assertThat(before.get("api:cache:")).isEqualTo(SeedData.API_CACHE_KEYS);
        try (OpsContext ctx = context(info, Mode.EXECUTE, true)) {
            DeletedKeys deleted = ctx.redis().deleteMatching("api:cache:*");

            assertThat(deleted.deleted()).isEqualTo(before.get("api:cache:"));
            assertThat(deleted.planned()).isFalse();
            assertThat(deleted.nodes()).singleElement().satisfies(n -> assertThat(n.deleted()).isEqualTo(deleted.deleted()));
            Map<String, Long> after = keyCounts(info);
            assertThat(after.get("api:cache:")).isZero();
            before.remove("api:cache:");
            after.remove("api:cache:");
            assertThat(after).isEqualTo(before);
            List<AuditLog.Record> audit = ctx.gate().audit().read();
            assertThat(audit).extracting(AuditLog.Record::event).containsExactly("started", "ok");
            assertThat(audit.get(0).effect().command())
                    .isEqualTo(Redis.DELETE_MATCHING.with("pattern", "api:cache:*").render())
                    .startsWith("# no shell one-liner: ops runs SCAN MATCH 'api:cache:*' and UNLINKs each batch")
                    .contains("xargs splits a key at blanks");
            assertThat(deleted.toString()).startsWith("Deleted " + String.format("%,d", SeedData.API_CACHE_KEYS) + " keys matching api:cache:*");
        }
    }

    @Test
    void deleteMatching_whenDryRun_countsTheKeysAndDeletesNone(SandboxInfo info) {
        long rateLimits = count(info, "rl:*");
        try (OpsContext ctx = context(info, Mode.DRY_RUN, false)) {
            DeletedKeys planned = ctx.redis().deleteMatching("rl:*");

            assertThat(planned.planned()).isTrue();
            assertThat(planned.matched()).isEqualTo(rateLimits);
            assertThat(planned.deleted()).isZero();
            assertThat(count(info, "rl:*")).isEqualTo(rateLimits);
            Effect effect = ctx.plan().effects().get(0);
            assertThat(effect.parameters()).containsEntry("keys", rateLimits).containsEntry("pattern", "rl:*");
            assertThat(effect.destructive()).isTrue();
            assertThat(planned.toString()).contains("planned (dry run): delete " + String.format("%,d", rateLimits) + " keys");
        }
    }

    @Test
    void deleteMatching_whenNotConfirmed_isRefusedAndDeletesNothing(SandboxInfo info) {
        long sessions = count(info, "session:*");
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            assertThatThrownBy(() -> ctx.redis().deleteMatching("session:*"))
                    .isInstanceOf(OpsException.RefusedException.class);
            assertThat(count(info, "session:*")).isEqualTo(sessions);
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"*", "**", "?*", " "})
    void deleteMatching_whenPatternMatchesEveryKey_refusesAndPointsToFlushDb(String pattern, SandboxInfo info) {
        String size = cli(info, "DBSIZE");
        try (OpsContext ctx = context(info, Mode.EXECUTE, true)) {
            assertThatThrownBy(() -> ctx.redis().deleteMatching(pattern))
                    .isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("matches every key")
                    .hasMessageContaining("flushDb()");
            assertThat(cli(info, "DBSIZE")).isEqualTo(size);
            assertThat(ctx.gate().audit().read()).isEmpty();
        }
    }

    @Test
    void flushDb_whenApproved_emptiesTheDatabaseAsynchronously(@TempDir Path dir) throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"))) {
            KeySeed.of(KeySeed.group("api:cache:", 300), KeySeed.group("session:", 200)).into(server, dir);
            try (OpsContext ctx = privateContext(home, server.url(), true)) {
                FlushedDatabase flushed = ctx.redis().flushDb();

                assertThat(flushed.keys()).isEqualTo(500);
                assertThat(server.dbsize()).isZero();
                assertThat(server.cli("INFO", "commandstats")).contains("cmdstat_flushdb:calls=1");
                assertThat(ctx.gate().audit().read().get(0).effect().command()).isEqualTo("redis-cli -u \"$REDIS_URL\" -n 0 FLUSHDB ASYNC");
            }
        }
    }

    @Test
    void flushDb_whenNotConfirmed_isRefusedAndKeepsEveryKey(SandboxInfo info) {
        String size = cli(info, "DBSIZE");
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            assertThatThrownBy(() -> ctx.redis().flushDb()).isInstanceOf(OpsException.RefusedException.class);
            assertThat(cli(info, "DBSIZE")).isEqualTo(size);
        }
    }

    @Test
    void info_whenPasswordWrong_failsWithAccessDeniedAndNoPasswordInTheMessage(@TempDir Path dir) throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"), "--requirepass", "right-Pass-4821")) {
            try (OpsContext ctx = privateContext(home, "redis://:wrong-Pass-9317@127.0.0.1:" + server.port(), false)) {
                assertThatThrownBy(() -> ctx.redis().info("server"))
                        .isInstanceOf(OpsException.AccessDeniedException.class)
                        .hasMessageContaining("password")
                        .hasMessageNotContaining("wrong-Pass-9317");
            }
            try (OpsContext ctx = privateContext(home, "redis://:right-Pass-4821@127.0.0.1:" + server.port(), false)) {
                assertThat(ctx.redis().info("server").asLong("tcp_port")).isEqualTo(server.port());
            }
        }
    }

    @Test
    void info_whenServerUnreachable_failsWithWhereAndWhatToCheck(@TempDir Path dir) throws Exception {
        try (OpsContext ctx = privateContext(home, "redis://127.0.0.1:" + RedisServer.freePort(), false)) {
            assertThatThrownBy(() -> ctx.redis().info("server"))
                    .isInstanceOf(OpsException.class)
                    .hasMessageContaining("Cannot connect to Redis at 127.0.0.1:")
                    .hasMessageContaining("REDIS_URL");
        }
    }
}
