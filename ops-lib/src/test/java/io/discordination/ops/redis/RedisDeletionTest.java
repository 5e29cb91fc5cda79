package io.discordination.ops.redis;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
                DeletedKeys planned = ctx.redis().deleteMatching("api:cache:*");
                assertThat(planned.matched()).isEqualTo(20_000);
                assertThat(planned.nodes()).hasSize(3);
                assertThat(cluster.count("api:cache:*")).isEqualTo(20_000);
            }
            try (OpsContext ctx = context(cluster.url(), Mode.EXECUTE)) {
                DeletedKeys deleted = ctx.redis().deleteMatching("api:cache:*");

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
                Future<DeletedKeys> deletion = executor.submit(() -> ctx.redis().tuned(10, 1).deleteMatching("api:cache:*"));
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

                DeletedKeys rerun = ctx.redis().deleteMatching("api:cache:*");
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
                Future<DeletedKeys> deletion = executor.submit(() -> ctx.redis().tuned(10, 1).deleteMatching("api:cache:*"));
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
                // unanswered UNLINKs name their keys; unanswered batch scripts the most their SCAN could return
                long mayHave = message.contains("may have been deleted")
                        ? Long.parseLong(message.replaceAll(".*\\(and (?:up to about )?([0-9,]+) more sent to be deleted.*", "$1").replace(",", "")) : 0;
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
                    assertThat(ctx.redis().tuned(100, streams).deleteMatching("api:cache:*").matched()).isEqualTo(30_000);
                }
                try (OpsContext ctx = context(server.url(), Mode.EXECUTE)) {
                    DeletedKeys deleted = ctx.redis().tuned(100, streams).deleteMatching("api:cache:*");

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

    /**
     * Keys that are not text (bytes that are not UTF-8, a NUL, a newline, glob characters) are
     * deleted exactly as they are, whoever runs the batches, and near misses are kept.
     */
    @ParameterizedTest
    @EnumSource(value = KeyDeleter.Batches.class, names = {"SERVER", "CLIENT"})
    void deleteMatching_whenKeysAreBinary_deletesExactlyTheMatchingKeys(KeyDeleter.Batches batches) throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"))) {
            List<byte[]> matching = List.of(bytes("api:cache:", 0xff, 0xfe, 0x00, 'b'), bytes("api:cache:line\nbreak"),
                    bytes("api:cache: space"), bytes("api:cache:*[star]?"), bytes("api:cache:"), bytes("api:cache:", 0xc3, 0x28));
            List<byte[]> nearMisses = List.of(bytes("api:cachE:x"), bytes("", 0xff, 'a', 'p', 'i', ':', 'c', 'a', 'c', 'h', 'e', ':', 'x'),
                    bytes("api:cache"), bytes("api:cach:", 0xff), bytes(" api:cache:x"));
            Path resp = dir.resolve("binary.resp");
            try (OutputStream out = Files.newOutputStream(resp)) {
                for (byte[] key : matching) out.write(setCommand(key));
                for (byte[] key : nearMisses) out.write(setCommand(key));
            }
            server.cliWithInput(resp, "--pipe");
            KeySeed.of(group("api:cache:", 3_000), group("rl:", 1_000)).into(server, dir);
            assertThat(server.dbsize()).isEqualTo(matching.size() + nearMisses.size() + 4_000);

            try (OpsContext ctx = context(server.url(), Mode.EXECUTE)) {
                DeletedKeys deleted = ctx.redis().tuned(0, 2, batches).deleteMatching("api:cache:*");

                assertThat(deleted.batches()).isEqualTo(batches.name().toLowerCase(java.util.Locale.ROOT));
                assertThat(deleted.deleted()).isEqualTo(3_000 + matching.size());
            }
            assertThat(server.count("api:cache:*")).isZero();
            assertThat(server.dbsize()).isEqualTo(nearMisses.size() + 1_000);
            assertThat(server.count("*api:cach*")).isEqualTo(nearMisses.size());
        }
    }

    /**
     * A user whose ACL refuses scripts (as some managed services do) still gets its deletion: the
     * client runs the batches, and no script ran.
     */
    @Test
    void deleteMatching_whenAclRefusesScripts_deletesFromTheClient() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"))) {
            server.cli("ACL", "SETUSER", "ops", "on", ">ops-password", "~*", "&*", "+@all", "-@scripting");
            KeySeed.of(group("api:cache:", 5_000), group("rl:", 1_000)).into(server, dir);
            server.cli("CONFIG", "RESETSTAT");

            try (OpsContext ctx = context("redis://ops:ops-password@127.0.0.1:" + server.port(), Mode.EXECUTE)) {
                DeletedKeys deleted = ctx.redis().deleteMatching("api:cache:*");

                assertThat(deleted.batches()).isEqualTo("client");
                assertThat(deleted.deleted()).isEqualTo(5_000);
            }
            // the one EVAL that asked whether scripts run was rejected; none ran
            assertThat(commandCalls(server)).containsEntry("eval", 0L).containsKeys("scan", "unlink");
            assertThat(server.count("api:cache:*")).isZero();
            assertThat(server.count("rl:*")).isEqualTo(1_000);
        }
    }

    /** The server runs the batches where it may: one script per batch, no key sent to the client and back. */
    @Test
    void deleteMatching_whenScriptsAllowed_runsEachBatchAsOneScript() throws Exception {
        try (RedisServer server = RedisServer.start(dir.resolve("redis"))) {
            KeySeed.of(group("api:cache:", 20_000), group("rl:", 5_000)).into(server, dir);
            server.cli("CONFIG", "RESETSTAT");
            try (OpsContext ctx = context(server.url(), Mode.EXECUTE)) {
                DeletedKeys deleted = ctx.redis().deleteMatching("api:cache:*");

                assertThat(deleted.batches()).isEqualTo("server");
                assertThat(deleted.deleted()).isEqualTo(20_000);
            }
            Map<String, Long> calls = commandCalls(server);
            // SCAN and UNLINK are counted when a script calls them too: every one came from a script
            assertThat(calls.get("eval")).isPositive();
            assertThat(calls.get("scan")).isEqualTo(calls.get("eval") - 1); // the first EVAL asks whether scripts run
            assertThat(server.count("api:cache:*")).isZero();
            assertThat(server.count("rl:*")).isEqualTo(5_000);
        }
    }

    /** Calls per command since the last CONFIG RESETSTAT, from INFO commandstats. */
    static Map<String, Long> commandCalls(RedisServer server) {
        Map<String, Long> calls = new java.util.HashMap<>();
        for (String line : server.cli("INFO", "commandstats").split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) continue;
            String name = line.substring("cmdstat_".length(), line.indexOf(':'));
            calls.put(name, Long.parseLong(line.replaceAll("^[^:]*:calls=([0-9]+),.*", "$1")));
        }
        return calls;
    }

    private static byte[] bytes(String text, int... more) {
        byte[] head = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(head, head.length + more.length);
        for (int i = 0; i < more.length; i++) out[head.length + i] = (byte) more[i];
        return out;
    }

    private static byte[] setCommand(byte[] key) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("*3\r\n$3\r\nSET\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(("$" + key.length + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(key);
        out.writeBytes("\r\n$1\r\nv\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
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
