package io.discordination.ops.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} on a free loopback port, in a folder of its own, for tests and
 * benchmarks that must not touch the sandbox's server (killing it, filling it with a million
 * keys). {@link #cli(String...)} runs {@code redis-cli} against it, as an independent client.
 *
 * <pre>{@code try (RedisServer server = RedisServer.start(dir, "--appendonly", "yes")) { server.cli("DBSIZE"); }}</pre>
 */
public final class RedisServer implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final List<String> options;
    private Process process;

    private RedisServer(Path dir, int port, List<String> options) {
        this.dir = dir;
        this.port = port;
        this.options = options;
    }

    /** Starts a server in {@code dir} (created if needed) with extra {@code redis-server} options. */
    public static RedisServer start(Path dir, String... options) {
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return start(dir, freePort(), options);
            } catch (IllegalStateException e) {
                // another process may have taken the port between choosing and binding it
                failure = e;
            }
        }
        throw failure;
    }

    /** A server someone else started on {@code port}, for {@link #cli(String...)}; closing it does nothing. */
    public static RedisServer attach(int port) {
        return new RedisServer(Path.of("."), port, List.of());
    }

    public static RedisServer start(Path dir, int port, String... options) {
        RedisServer server = new RedisServer(dir, port, List.of(options));
        server.launch();
        return server;
    }

    private void launch() {
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(dir.resolve("redis.log"));
            List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
                    "--logfile", dir.resolve("redis.log").toString(), "--protected-mode", "no"));
            command.addAll(options);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.out").toFile()).start();
            try {
                awaitReady();
            } catch (RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits for this process's own log to say it is ready: a server of someone else's that answers on
     * the same port (a port taken between choosing and binding it) must not pass for ours.
     */
    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Path logFile = dir.resolve("redis.log");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("redis-server on port " + port + " exited: " + log());
            if (Files.exists(logFile) && log().contains("Ready to accept connections")) return;
            sleep(20);
        }
        throw new IllegalStateException("redis-server on port " + port + " did not start: " + log());
    }

    private String log() {
        try {
            Path log = dir.resolve("redis.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path dir() {
        return dir;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    public void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** Starts the server again on the same port and folder, with the same options. */
    public void restart() {
        if (process.isAlive()) stop();
        launch();
    }

    /** {@code redis-cli -p PORT args...}; returns its output, trimmed. */
    public String cli(String... args) {
        return run(cliCommand(args), null);
    }

    /** {@code redis-cli -p PORT args...} reading {@code input} on stdin (for {@code --pipe}). */
    public String cliWithInput(Path input, String... args) {
        return run(cliCommand(args), input);
    }

    public List<String> cliCommand(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(port)));
        command.addAll(Arrays.asList(args));
        return command;
    }

    static String run(List<String> command, Path input) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (input != null) pb.redirectInput(input.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            if (p.exitValue() != 0) throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + out);
            return out.trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public long dbsize() {
        return Long.parseLong(cli("DBSIZE"));
    }

    /** Keys matching {@code pattern}, counted by the server itself (a SCAN loop in a script sent by {@code redis-cli}). */
    public long count(String pattern) {
        return Long.parseLong(cli("EVAL", COUNT_SCRIPT, "0", pattern));
    }

    /** Counts the keys matching ARGV[1], each once: SCAN may return a key twice while Redis resizes its table. */
    static final String COUNT_SCRIPT = "local c = '0' local seen = {} local n = 0 "
            + "repeat local r = redis.call('SCAN', c, 'MATCH', ARGV[1], 'COUNT', 10000) c = r[1] "
            + "for _, k in ipairs(r[2]) do if not seen[k] then seen[k] = true n = n + 1 end end until c == '0' "
            + "return n";

    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitFor();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            int port = s.getLocalPort();
            // a cluster node also listens on port + 10000
            return port < 55535 ? port : freePort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
