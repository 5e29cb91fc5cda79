package io.discordination.ops.redis;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.discordination.ops.redis.KeySeed.group;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code deleteMatching} on private servers: a 3-master Redis Cluster on loopback, a server killed
 * in the middle of a deletion, and slicing of the keyspace. Effects are checked with
 * {@code redis-cli}.
 */
class RedisDeletionTest {
    @TempDir
    Path dir;

    private OpsContext context(String url, Mode mode) throws Exception {
        Path env = dir.resolve("test.yaml");
        Files.writeString(env, "name: test\nredis:\n  url: " + url + "\n");
        return OpsContext.builder().environment(Environment.load(env)).opsHome(dir.resolve("home")).mode(mode)
                .confirmer(Confirmer.nonInteractive(true, null)).build();
    }

    @Test
    void deleteMatching_whenClusterOfThreeMasters_deletesOnEveryMasterAndLeavesOtherKeys() throws Exception {
        try (RedisCluster cluster = RedisCluster.start(dir.resolve("cluster"))) {
            KeySeed.of(group("api:cache:", 20_000), group("rl:", 6_000), group("session:", 4_000)).into(cluster, dir);
            assertThat(cluster.count("api:cache:*")).isEqualTo(20_000);
            try (OpsContext ctx = context(cluster.url(), Mode.DRY_RUN)) {
                DeletedKeys planned = new Redis(ctx).deleteMatching("api:cache:*");
                assertThat(planned.matched()).isEqualTo(20_000);
                assertThat(planned.nodes()).hasSize(3);
                assertThat(cluster.count("api:cache:*")).isEqualTo(20_000);
            }
            try (OpsContext ctx = context(cluster.url(), Mode.EXECUTE)) {
                DeletedKeys deleted = new Redis(ctx).deleteMatching("api:cache:*");

                assertThat(deleted.deleted()).isEqualTo(20_000);
                assertThat(deleted.nodes()).hasSize(3).allSatisfy(n -> assertThat(n.deleted()).isPositive());
                for (RedisServer node : cluster.nodes()) {
                    long onNode = deleted.nodes().stream().filter(n -> n.node().equals("127.0.0.1:" + node.port()))
                            .findFirst().orElseThrow().deleted();
                    assertThat(onNode).isGreaterThan(5_000);
                    assertThat(node.count("api:cache:*")).isZero();
                }
                assertThat(cluster.count("rl:*")).isEqualTo(6_000);
                assertThat(cluster.count("session:*")).isEqualTo(4_000);
                assertThat(ctx.gate().audit().read().get(0).effect().target()).startsWith("redis cluster 127.0.0.1:");
            }
        }
    }

    /**
     * The server is killed (SIGKILL) in the middle of the deletion. It writes every change to its
     * append-only file before answering, so after a restart it holds exactly what was not deleted:
     * the error's count must not exceed what is gone, and a second run must finish the job.
     */
    @Test
    void deleteMatching_whenServerKilledMidway_failsClearlyAndARerunFinishes() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"), "--appendonly", "yes", "--appendfsync", "no")) {
            KeySeed.of(group("api:cache:", 100_000), group("rl:", 20_000)).into(server, dir);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try (OpsContext ctx = context(server.url(), Mode.EXECUTE)) {
                // small batches on one chain, so that the deletion takes long enough to be interrupted
                Future<DeletedKeys> deletion = executor.submit(() -> new Redis(ctx, 10, 1).deleteMatching("api:cache:*"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (server.dbsize() > 115_000 && System.nanoTime() < deadline) Thread.sleep(5);
                server.kill();

                assertThatThrownBy(() -> deletion.get(30, TimeUnit.SECONDS))
                        .cause()
                        .isInstanceOf(OpsException.class)
                        .hasMessageMatching("Redis connection lost after deleting [0-9,]+ keys matching api:cache:\\*.*")
                        .hasMessageContaining("run again to finish");
                String message = catchMessage(deletion);
                long reported = Long.parseLong(message.replaceAll(".*after deleting ([0-9,]+) keys.*", "$1").replace(",", ""));
                assertThat(reported).isPositive();

                server.restart();
                long left = server.count("api:cache:*");
                assertThat(left).isPositive().isLessThanOrEqualTo(100_000 - reported);

                DeletedKeys rerun = new Redis(ctx).deleteMatching("api:cache:*");
                assertThat(rerun.deleted()).isEqualTo(left);
                assertThat(server.count("api:cache:*")).isZero();
                assertThat(server.count("rl:*")).isEqualTo(20_000);
            } finally {
                executor.shutdownNow();
            }
        }
    }

    /**
     * The server is paused (SIGSTOP) mid-deletion until the client's command timeout gives up, then
     * resumed: it still executes the UNLINK that was waiting in its socket, unanswered. The error names
     * those keys as "may have been deleted", so that what is gone lies between the two counts.
     */
    @Test
    void deleteMatching_whenServerPausedMidway_countsUnansweredDeletionsAsMayHaveBeenDeleted() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"))) {
            KeySeed.of(group("api:cache:", 100_000)).into(server, dir);
            ExecutorService executor = Executors.newSingleThreadExecutor();
            try (OpsContext ctx = context(server.url(), Mode.EXECUTE)) {
                Future<DeletedKeys> deletion = executor.submit(() -> new Redis(ctx, 10, 1).deleteMatching("api:cache:*"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (server.dbsize() > 95_000 && System.nanoTime() < deadline) Thread.sleep(5);
                signal("STOP", server.pid());
                String message;
                try {
                    message = catchMessage(deletion);
                } finally {
                    signal("CONT", server.pid());
                }
                long left = server.count("api:cache:*");
                for (long was = -1; was != left; Thread.sleep(200)) {
                    was = left;
                    left = server.count("api:cache:*");
                }

                long reported = Long.parseLong(message.replaceAll(".*after deleting ([0-9,]+) keys.*", "$1").replace(",", ""));
                long mayHave = message.contains("may have been deleted")
                        ? Long.parseLong(message.replaceAll(".*\\(and ([0-9,]+) more sent to be deleted.*", "$1").replace(",", "")) : 0;
                assertThat(100_000 - left).as(message).isBetween(reported, reported + mayHave);
            } finally {
                executor.shutdownNow();
            }
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private static String catchMessage(Future<?> future) {
        try {
            future.get();
            throw new AssertionError("expected a failure");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause().getMessage();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deleteMatching_whenKeyspaceCutIntoSlices_deletesEveryMatchingKey() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"))) {
            KeySeed.of(group("rl:", 10_000), group("api:cachex", 500)).into(server, dir);
            for (int streams : new int[]{1, 2, 4}) {
                KeySeed.of(group("api:cache:", 30_000)).into(server, dir);
                try (OpsContext ctx = context(server.url(), Mode.DRY_RUN)) {
                    assertThat(new Redis(ctx, 100, streams).deleteMatching("api:cache:*").matched()).isEqualTo(30_000);
                }
                try (OpsContext ctx = context(server.url(), Mode.EXECUTE)) {
                    DeletedKeys deleted = new Redis(ctx, 100, streams).deleteMatching("api:cache:*");

                    assertThat(deleted.deleted()).as("slices: %d", streams).isEqualTo(30_000);
                    // a SCAN that crosses into the next slice returns a few keys twice; they are deleted once
                    assertThat(deleted.matched()).isGreaterThanOrEqualTo(30_000);
                    assertThat(server.count("api:cache:*")).isZero();
                    assertThat(server.count("api:cachex*")).isEqualTo(500);
                    assertThat(server.count("rl:*")).isEqualTo(10_000);
                }
            }
        }
    }

    @Test
    void scannedFraction_whenCursorsOfSlices_givesTheirShareOfTheTable() {
        assertThat(KeyDeleter.scannedFraction("0")).isZero();
        assertThat(KeyDeleter.scannedFraction(KeyDeleter.sliceStart(1, 2))).isEqualTo(0.5);
        assertThat(KeyDeleter.scannedFraction(KeyDeleter.sliceStart(1, 4))).isEqualTo(0.25);
        assertThat(KeyDeleter.scannedFraction(KeyDeleter.sliceStart(3, 4))).isEqualTo(0.75);
        // bucket 3 of a 4-bucket table (reversed 0b11 -> 0.11) is three quarters in
        assertThat(KeyDeleter.scannedFraction("3")).isEqualTo(0.75);
    }
}
