package io.discordination.ops.runbooks;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.livekit.server.RoomServiceClient;
import livekit.LivekitModels;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
final class AreaBRunbookSupport {
    private final SandboxInfo sandbox;
    private final Cli cli;

    /** {@code home} is the OPS_HOME of the calls: one per test class, so the compiled scripts are cached across its tests. */
    AreaBRunbookSupport(SandboxInfo sandbox, Path home) {
        this.sandbox = sandbox;
        this.cli = new Cli(home, Cli.projectRoot());
    }

    /** {@code ops plan RUNBOOK --env <sandbox> --param p...}; the runbook is a name or a file. */
    Cli.Result plan(String runbook, String... params) {
        return cli.run(args("plan", runbook, false, params));
    }

    /** {@code ops plan ... --output json}. */
    Cli.Result planJson(String runbook, String... params) {
        List<String> a = argsList("plan", runbook, false, params);
        a.addAll(List.of("--output", "json"));
        return cli.run(a.toArray(String[]::new));
    }

    /** {@code ops run RUNBOOK --env <sandbox> --yes --param p...}. */
    Cli.Result run(String runbook, String... params) {
        return cli.run(args("run", runbook, true, params));
    }

    /** {@code ops run} without {@code --yes} in this JVM (no terminal here either): for runbooks with nothing to confirm. */
    Cli.Result runWithoutYes(String runbook, String... params) {
        return cli.run(args("run", runbook, false, params));
    }

    /** {@code ops run} without {@code --yes}, in a child process whose standard input is a pipe: no terminal to confirm on. */
    Cli.Result runWithoutTerminal(String runbook, String... params) {
        try {
            Process p = cli.start(args("run", runbook, false, params));
            p.getOutputStream().close();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("ops run " + runbook + " did not finish within 2 minutes");
            }
            return cli.finish(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String[] args(String command, String runbook, boolean yes, String... params) {
        return argsList(command, runbook, yes, params).toArray(String[]::new);
    }

    private List<String> argsList(String command, String runbook, boolean yes, String... params) {
        List<String> a = new ArrayList<>(List.of(command, runbook, "--env", sandbox.environmentFile().toString()));
        if (yes) a.add("--yes");
        for (String p : params) a.addAll(List.of("--param", p));
        return a;
    }

    /** A runbook of the project by its path under {@code runbooks/}, such as {@code jshell/flush-redis-cache.jsh}. */
    static String file(String pathUnderRunbooks) {
        return Cli.projectRoot().resolve("runbooks").resolve(pathUnderRunbooks).toString();
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

    /** An AWS SDK client of the sandbox, built here: {@code aws(EcsClient.builder())}. */
    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C aws(B builder) {
        return builder.endpointOverride(URI.create(sandbox.awsEndpoint()))
                .region(Region.of(sandbox.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(sandbox.accessKeyId(), sandbox.secretAccessKey())))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
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
