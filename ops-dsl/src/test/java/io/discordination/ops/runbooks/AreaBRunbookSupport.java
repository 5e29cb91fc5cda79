package io.discordination.ops.runbooks;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.livekit.server.RoomServiceClient;
import livekit.LivekitModels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * For the tests of the cache, voice and security runbooks: the real scripts in {@code runbooks/}
 * planned and run through the {@code ops} command line against the sandbox (in this JVM, or as a
 * child process without a terminal for the refusals), and independent clients to check their
 * effects: {@code redis-cli}, JDBC, AWS SDK clients built here, LiveKit's server SDK.
 *
 * <pre>{@code
 * AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
 * Cli.Result r = ops.run("kick-from-voice", "channel=1180000000000000101", "user=" + id);
 * }</pre>
 */
final class AreaBRunbookSupport extends SandboxRunbookSupport {
    /** {@code home} is the OPS_HOME of the calls: one per test class, so the compiled scripts are cached across its tests. */
    AreaBRunbookSupport(SandboxInfo sandbox, Path home) {
        super(sandbox, home, Duration.ofMinutes(2));
    }

    // --- independent clients ---

    /** {@code redis-cli -u $REDIS_URL args...}: its standard output; fails on a non-zero exit. */
    String redisCli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-u", sandbox.redisUrl()));
        command.addAll(List.of(args));
        return exec(command);
    }

    /** How many keys match {@code pattern}, counted with {@code redis-cli --scan}. */
    long keys(String pattern) {
        // SCAN may return a key twice while Redis resizes its table (after a mass deletion): count each once
        return redisCli("--scan", "--pattern", pattern).lines().filter(l -> !l.isBlank()).distinct().count();
    }

    /** {@code DBSIZE}. */
    long dbsize() {
        return Long.parseLong(redisCli("DBSIZE").strip());
    }

    /** A JDBC connection to the {@code discordination} database as the application role. */
    Connection database() throws SQLException {
        return DriverManager.getConnection(sandbox.jdbcUrl(), sandbox.databaseUser(), sandbox.databasePassword());
    }

    /** The identities in a LiveKit room, read with LiveKit's server SDK; empty when the room is gone. */
    List<String> participants(String room) {
        RoomServiceClient client = RoomServiceClient.createClient(sandbox.livekitUrl(), sandbox.lkKey(), sandbox.lkSecret());
        try {
            retrofit2.Response<List<LivekitModels.ParticipantInfo>> r = client.listParticipants(room).execute();
            if (r.code() == 404) return List.of();
            if (!r.isSuccessful()) throw new IllegalStateException("LiveKit list participants: HTTP " + r.code());
            return r.body().stream().map(LivekitModels.ParticipantInfo::getIdentity).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String exec(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(1, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish within a minute");
            }
            if (p.exitValue() != 0) throw new IllegalStateException(command.get(0) + " exited " + p.exitValue());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
