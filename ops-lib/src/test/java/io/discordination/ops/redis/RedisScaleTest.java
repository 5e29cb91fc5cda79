package io.discordination.ops.redis;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.discordination.ops.redis.RedisDeletionTest.commandCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The read verbs at a size where their cost shows, on a private {@code redis-server}: many
 * subscribed channels, many keys. What each sends is checked in the server's own
 * {@code INFO commandstats}.
 */
class RedisScaleTest {
    @TempDir
    Path dir;

    private OpsContext context(String url) throws Exception {
        Path env = dir.resolve("test.yaml");
        Files.writeString(env, "name: test\nredis:\n  url: " + url + "\n");
        return OpsContext.builder().environment(Environment.load(env)).opsHome(dir.resolve("home")).mode(Mode.DRY_RUN)
                .confirmer(Confirmer.nonInteractive(false, null)).build();
    }

    @Test
    void pubsub_whenOneGatewayHoldsManyChannels_countsThemFromInfoAndClientListWithoutListingThem() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"));
             Subscriber gateway = Subscriber.subscribeMany(server.port(), "gateway-1", "user:", 20_000);
             Subscriber other = Subscriber.subscribe(server.port(), "gateway-2", "user:0");
             OpsContext ctx = context(server.url())) {
            server.cli("CONFIG", "RESETSTAT");

            PubSubSummary summary = ctx.redis().pubsub();

            assertThat(summary.channels()).isEqualTo(20_000).isEqualTo(Long.parseLong(
                    RedisInfo.parse(server.cli("INFO", "stats")).get("pubsub_channels")));
            assertThat(summary.subscriberClients()).isEqualTo(2);
            assertThat(summary.subscriptions()).isEqualTo(20_001);
            assertThat(summary.topClients()).extracting(PubSubSummary.ClientGroup::name).containsExactly("gateway-1", "gateway-2");
            assertThat(summary.toString().lines()).hasSizeLessThan(12).anyMatch(l -> l.contains("20,000"));
            Map<String, Long> calls = commandCalls(server);
            assertThat(calls).doesNotContainKeys("pubsub|channels", "pubsub|numsub")
                    .containsEntry("client|list", 1L);
        }
    }

    @Test
    void pubsubChannels_whenPatternIsNarrow_listsAtMostTheLimitWithTheirSubscribers() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"));
             Subscriber gateway = Subscriber.subscribeMany(server.port(), "gateway-1", "user:", 2_000);
             OpsContext ctx = context(server.url())) {
            ChannelSubscribers some = ctx.redis().pubsubChannels("user:1*", 5);
            ChannelSubscribers all = ctx.redis().pubsubChannels("user:19*", 1000);

            assertThat(some.channels()).hasSize(5).allSatisfy((channel, subscribers) -> {
                assertThat(channel).startsWith("user:1");
                assertThat(subscribers).isEqualTo(1L);
            });
            assertThat(some.more()).isTrue();
            assertThat(some.toString()).contains("more matched");
            // user:19, user:190..199, user:1900..1999
            assertThat(all.channels()).hasSize(111);
            assertThat(all.more()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "u*", "us?r:1", "[u]ser:*", ""})
    void pubsubChannels_whenPatternIsBroad_refusesBeforeSendingAnything(String pattern) throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"));
             OpsContext ctx = context(server.url())) {
            server.cli("CONFIG", "RESETSTAT");

            assertThatThrownBy(() -> ctx.redis().pubsubChannels(pattern, 10))
                    .isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("Refusing to list channels");
            assertThat(commandCalls(server)).doesNotContainKey("pubsub|channels");
        }
    }

    @Test
    void pubsubNumsub_whenNoChannelNamed_refusesAndPointsToTheTotals() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"));
             OpsContext ctx = context(server.url())) {
            assertThatThrownBy(() -> ctx.redis().pubsubNumsub())
                    .isInstanceOf(OpsException.InvalidInputException.class)
                    .satisfies(e -> assertThat(((OpsException) e).hint()).contains("redis().pubsub()"));
        }
    }

    private static final String HASHES = "for i = 1, tonumber(ARGV[1]) do redis.call('HSET', 'profile:' .. i, 'name', 'n' .. i, 'locale', 'en') end return 1";

    @Test
    void bigKeys_whenKeyspaceExceedsTheBudget_readsOnlyItsShareAndEstimatesTheRest() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"));
             OpsContext ctx = context(server.url())) {
            KeySeed.of(KeySeed.group("api:cache:", 150_000)).into(server, dir);
            server.cli("EVAL", HASHES, "0", "50000");
            server.cli("CONFIG", "RESETSTAT");

            BigKeys sample = ctx.redis().bigKeys(BigKeys.Budget.of(10_000, java.time.Duration.ofMinutes(5)));

            assertThat(sample.keyspace()).isEqualTo(200_000);
            assertThat(sample.sampledKeys()).isEqualTo(10_000);
            assertThat(sample.complete()).isFalse();
            assertThat(sample.stoppedBy()).isEqualTo("keys");
            assertThat(sample.summary()).contains("Sampled 10,000 keys of 200,000", "stopped by its keys budget", "estimated");
            BigKeys.TypeStats strings = type(sample, "string");
            BigKeys.TypeStats hashes = type(sample, "hash");
            assertThat(strings.keys() + hashes.keys()).isEqualTo(10_000);
            // a sample of 10,000 from hash order: within a few percent of the truth
            assertThat(strings.estimatedKeys()).isBetween(140_000L, 160_000L);
            assertThat(hashes.estimatedKeys()).isBetween(42_000L, 58_000L);
            assertThat(hashes.biggestSize()).isEqualTo(2);
            assertThat(strings.biggestSize()).isEqualTo(64);
            assertThat(strings.memoryBytes()).isPositive();
            Map<String, Long> calls = commandCalls(server);
            assertThat(calls.get("type")).isBetween(10_000L, 10_500L);
            assertThat(calls.get("memory|usage")).isEqualTo(calls.get("type"));
            assertThat(calls.get("strlen") + calls.get("hlen")).isEqualTo(10_000L);
        }
    }

    @Test
    void bigKeys_whenTimeIsUp_stopsAfterOneBatchAndSaysSo() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"));
             OpsContext ctx = context(server.url())) {
            KeySeed.of(KeySeed.group("api:cache:", 20_000)).into(server, dir);

            BigKeys sample = ctx.redis().bigKeys(BigKeys.Budget.of(1_000_000, java.time.Duration.ofNanos(1)));

            assertThat(sample.sampledKeys()).isPositive().isLessThanOrEqualTo(2 * Redis.SAMPLE_BATCH);
            assertThat(sample.stoppedBy()).isEqualTo("time");
            assertThat(sample.toString()).contains("stopped by its time budget");
        }
    }

    @Test
    void bigKeys_whenTheKeyspaceFitsTheBudget_readsEveryKeyAndEstimatesNothing() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"));
             OpsContext ctx = context(server.url())) {
            KeySeed.of(KeySeed.group("api:cache:", 3_000)).into(server, dir);
            server.cli("EVAL", HASHES, "0", "1000");

            BigKeys sample = ctx.redis().bigKeys();

            assertThat(sample.complete()).isTrue();
            assertThat(sample.sampledKeys()).isEqualTo(4_000);
            assertThat(type(sample, "hash").estimatedKeys()).isEqualTo(1_000);
            assertThat(type(sample, "string").estimatedKeys()).isEqualTo(3_000);
            assertThat(sample.summary()).contains("every key read, nothing estimated");
        }
    }

    @Test
    void bigKeys_whenTheMasterHasAReplica_readsTheSampleThere() throws Exception {
        try (RedisServer master = RedisServer.start(dir.resolve("master"));
             RedisServer replica = RedisServer.start(dir.resolve("replica"), "--replicaof", "127.0.0.1", "0");
             OpsContext ctx = context(master.url())) {
            replica.cli("REPLICAOF", "127.0.0.1", String.valueOf(master.port()));
            KeySeed.of(KeySeed.group("api:cache:", 5_000)).into(master, dir);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while ((replica.dbsize() < 5_000 || !master.cli("INFO", "replication").contains("state=online"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            master.cli("CONFIG", "RESETSTAT");
            replica.cli("CONFIG", "RESETSTAT");

            BigKeys sample = ctx.redis().bigKeys();

            assertThat(sample.nodes()).singleElement().satisfies(n -> {
                assertThat(n.master()).isEqualTo("127.0.0.1:" + master.port());
                assertThat(n.readFrom()).isEqualTo("127.0.0.1:" + replica.port());
            });
            assertThat(sample.sampledKeys()).isEqualTo(5_000);
            assertThat(commandCalls(master)).doesNotContainKeys("type", "scan", "memory|usage");
            assertThat(commandCalls(replica).get("type")).isEqualTo(5_000);
        }
    }

    @Test
    void bigKeys_whenClusterOfThreeMasters_samplesEachInProportionToItsKeys() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(dir.resolve("cluster"));
             OpsContext ctx = context(cluster.url())) {
            KeySeed.of(KeySeed.group("api:cache:", 30_000)).into(cluster, dir);

            BigKeys sample = ctx.redis().bigKeys(BigKeys.Budget.of(3_000, java.time.Duration.ofMinutes(5)));

            assertThat(sample.keyspace()).isEqualTo(30_000);
            assertThat(sample.sampledKeys()).isBetween(2_997L, 3_003L);
            assertThat(sample.nodes()).hasSize(3).allSatisfy(n -> assertThat(n.sampledKeys()).isBetween(900L, 1_100L));
            assertThat(type(sample, "string").estimatedKeys()).isBetween(29_900L, 30_100L);
        }
    }

    private static BigKeys.TypeStats type(BigKeys sample, String type) {
        return sample.types().stream().filter(t -> t.type().equals(type)).findFirst().orElseThrow();
    }
}
