package io.discordination.ops.runbook.testing;

import io.discordination.ops.cli.OpsCommand;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the {@code ops} command line for tests: in this JVM (fast; OPS_HOME and the project root
 * set as system properties for the call) or as a child process (for killing it).
 */
public final class Cli {
    /** What a command printed and returned. */
    public record Result(int exitCode, String out, String err) {
        public String all() {
            return out + err;
        }
    }

    private final Path home;
    private final Path root;

    public Cli(Path home, Path root) {
        this.home = home;
        this.root = root;
    }

    public Path home() {
        return home;
    }

    /** Runs {@code ops args...} in this JVM. */
    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String oldHome = System.getProperty("ops.home");
        String oldRoot = System.getProperty("ops.root");
        System.setProperty("ops.home", home.toString());
        System.setProperty("ops.root", root.toString());
        try {
            CommandLine cl = OpsCommand.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Result(code, out.toString(), err.toString());
        } finally {
            restore("ops.home", oldHome);
            restore("ops.root", oldRoot);
        }
    }

    /** Starts {@code ops args...} in a child JVM with this JVM's class path; output goes to files under home. */
    public Process start(String... args) throws IOException {
        return start(List.of(), java.util.Map.of(), args);
    }

    /** As {@link #start(String...)}, with {@code environment} added to the child's environment variables (credentials, settings). */
    public Process start(java.util.Map<String, String> environment, String... args) throws IOException {
        return start(List.of(), environment, args);
    }

    /** As {@link #start(String...)}, with system properties for the child ({@code -Dops.lease.expiry=3s}). */
    public Process start(List<String> jvmOptions, String... args) throws IOException {
        return start(jvmOptions, java.util.Map.of(), args);
    }

    /** As {@link #start(String...)}, with system properties and environment variables for the child. */
    public Process start(List<String> jvmOptions, java.util.Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                "-Dops.root=" + root, "-Dops.home=" + home));
        command.addAll(jvmOptions);
        command.add(OpsCommand.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("OPS_HOME");
        pb.environment().putAll(environment);
        pb.redirectOutput(home.resolve("child.out").toFile()).redirectError(home.resolve("child.err").toFile());
        return pb.start();
    }

    public Result finish(Process p) throws IOException, InterruptedException {
        int code = p.waitFor();
        return new Result(code, Files.readString(home.resolve("child.out")), Files.readString(home.resolve("child.err")));
    }

    /** Waits (90 s at most) until {@code file} has {@code n} lines, failing as soon as {@code child}, the run writing it, ended. */
    public static void awaitLines(Path file, int n, Process child) throws Exception {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(90);
        while (java.time.Instant.now().isBefore(deadline)) {
            if (Files.exists(file) && Files.readAllLines(file).size() >= n) return;
            if (!child.isAlive()) throw new AssertionError("the child run ended early");
            Thread.sleep(50);
        }
        throw new AssertionError(file + " did not get " + n + " lines");
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }

    /** A test runbook from src/test/resources/runbooks. */
    public static Path testRunbook(String fileName) {
        try {
            return Path.of(Cli.class.getResource("/runbooks/" + fileName).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An environment file for the probe: {@code name: test}, and the probe's folder as the log
     * {@code logs.probe} (its marker files are what the probe's steps read, line by line).
     */
    public static Path probeEnvironment(Path dir) throws IOException {
        Path probe = Files.createDirectories(dir.resolve("probe"));
        Path file = dir.resolve("test.yaml");
        Files.writeString(file, "name: test\nlogs:\n  probe: " + probe + "\n", StandardCharsets.UTF_8);
        return file;
    }

    /** The project root (runbooks/, environments/). */
    public static Path projectRoot() {
        return Path.of(System.getProperty("ops.root", "..")).toAbsolutePath().normalize();
    }

}
