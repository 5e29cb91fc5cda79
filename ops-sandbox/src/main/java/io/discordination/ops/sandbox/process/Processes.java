package io.discordination.ops.sandbox.process;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starting servers that outlive this JVM, recognising them again later by PID and start time,
 * and stopping exactly them.
 *
 * <pre>{@code long pid = Processes.startDetached(List.of("redis-server", "--port", "6390"), log, Map.of());}</pre>
 */
public final class Processes {
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final long START_TIME_TOLERANCE_MS = 1500;

    private Processes() {
    }

    /**
     * Starts {@code command} in its own session (so a Ctrl-C in the terminal that ran
     * {@code ops sandbox up} does not reach it), stdin from /dev/null, stdout and stderr appended
     * to {@code log}. Returns its PID.
     */
    public static long startDetached(List<String> command, Path log, Map<String, String> environment) {
        List<String> full = new ArrayList<>();
        // setsid execs in place when the caller is not a group leader, so the PID stays the server's
        if (Files.isExecutable(SETSID)) full.add(SETSID.toString());
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            return builder.start().pid();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends {@code === <now> <text>} to {@code log}: where one start's output begins (moto's
     * patch check reads only the lines after the last one).
     */
    public static void appendMarker(Path log, String text) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== " + Instant.now() + " " + text + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the server's own output still goes to the log
        }
    }

    /** True if {@code pid} is a live process (a zombie waiting to be reaped counts as gone). */
    public static boolean isRunning(long pid) {
        if (pid <= 0) return false;
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.exists(stat)) {
            try {
                String text = Files.readString(stat);
                int close = text.lastIndexOf(')');
                char state = close > 0 && close + 2 < text.length() ? text.charAt(close + 2) : '?';
                return state != 'Z' && state != 'X';
            } catch (IOException vanished) {
                return false;
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** When {@code pid} started, in epoch milliseconds, or 0 if unknown. */
    public static long startMillis(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Instant::toEpochMilli).orElse(0L);
    }

    /** The command line of {@code pid}, arguments joined by spaces, or an empty string. */
    public static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
        }
    }

    /**
     * True if {@code pid} is still the process we started: alive, started when we recorded, and
     * its command line mentions {@code commandMark}. Guards against a recycled PID.
     */
    public static boolean isOurs(long pid, long recordedStartMillis, String commandMark) {
        if (!isRunning(pid)) return false;
        long actual = startMillis(pid);
        if (recordedStartMillis > 0 && actual > 0 && Math.abs(actual - recordedStartMillis) > START_TIME_TOLERANCE_MS) {
            return false;
        }
        return commandMark == null || commandLine(pid).contains(commandMark);
    }

    /** How a process ended when it was asked to stop. */
    public enum Stopped {
        /** It was not running. */
        NOT_RUNNING,
        /** It and its children exited on TERM within the grace period. */
        ON_TERM,
        /** It or one of its children ignored TERM for the grace period and was killed. */
        KILLED,
        /** Still running even after KILL (a process in uninterruptible sleep). */
        STILL_RUNNING
    }

    /**
     * Stops {@code pid} and every process below it (a postmaster's backends, a server's workers):
     * TERM, up to {@code grace} for all of them to exit, then KILL to what is left, and returns only
     * when all of them have exited (an exited process the init process has not reaped yet counts as
     * exited: it holds no port and no file), or 5 s after KILL.
     */
    public static Stopped stop(long pid, Duration grace) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !isRunning(pid)) return Stopped.NOT_RUNNING;
        return stopAll(tree(handle.get()), grace);
    }

    /** {@code root} and its descendants, taken before they are signalled (a child of an exited parent is reparented). */
    public static List<ProcessHandle> tree(ProcessHandle root) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        root.descendants().forEach(tree::add);
        return tree;
    }

    /**
     * TERM to the first of {@code processes} (the rest are its descendants: it stops them itself);
     * descendants still running once it has exited get TERM too; then as {@link #stop}.
     */
    public static Stopped stopAll(List<ProcessHandle> processes, Duration grace) {
        if (processes.isEmpty()) return Stopped.NOT_RUNNING;
        ProcessHandle root = processes.get(0);
        root.destroy();
        boolean orphansSignalled = false;
        long deadline = System.nanoTime() + grace.toNanos();
        while (processes.stream().anyMatch(Processes::isAlive) && System.nanoTime() < deadline) {
            if (!orphansSignalled && !isAlive(root)) {
                for (ProcessHandle p : processes) if (isAlive(p)) p.destroy();
                orphansSignalled = true;
            }
            sleep(25);
        }
        if (processes.stream().noneMatch(Processes::isAlive)) return Stopped.ON_TERM;
        for (ProcessHandle p : processes) if (isAlive(p)) p.destroyForcibly();
        return awaitExit(processes, Duration.ofSeconds(5)) ? Stopped.KILLED : Stopped.STILL_RUNNING;
    }

    /** Waits until every one of {@code processes} has exited, up to {@code timeout}. */
    public static boolean awaitExit(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(Processes::isAlive)) {
            if (System.nanoTime() > deadline) return false;
            sleep(25);
        }
        return true;
    }

    // the handle compares the start time too, so a recycled PID does not count as alive
    private static boolean isAlive(ProcessHandle p) {
        return p.isAlive() && isRunning(p.pid());
    }

    /** Waits until {@code pid} has exited, up to {@code timeout}. */
    public static boolean waitForExit(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (isRunning(pid)) {
            if (System.nanoTime() > deadline) return false;
            sleep(25);
        }
        return true;
    }

    /** The last {@code lines} lines of a log file, or an empty string. */
    public static String tail(Path log, int lines) {
        if (log == null || !Files.isRegularFile(log)) return "";
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - 64 * 1024);
            file.seek(from);
            byte[] bytes = new byte[(int) (length - from)];
            file.readFully(bytes);
            Deque<String> last = new ArrayDeque<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                last.addLast(line);
                if (last.size() > lines) last.removeFirst();
            }
            return String.join("\n", last);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The executable {@code name}: the system property {@code ops.sandbox.bin.<name>} if set (to
     * run another build of a server), else the first on the PATH.
     */
    public static Optional<Path> which(String name) {
        String configured = System.getProperty("ops.sandbox.bin." + name);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        if (name.contains("/")) {
            Path direct = Path.of(name);
            return Files.isExecutable(direct) ? Optional.of(direct) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) return Optional.of(candidate);
        }
        for (String dir : List.of("/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/bin", "/bin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /** True when this JVM runs as root (uid 0). */
    public static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The outcome of a command run to completion. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs a command to completion (stdout and stderr together), killing it after {@code timeout}. */
    public static Result run(List<String> command, Duration timeout, Map<String, String> environment) {
        try {
            Path output = Files.createTempFile("ops-sandbox-", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                boolean finished;
                try {
                    finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    // the caller gave up: do not leave the command running behind its back
                    process.destroyForcibly();
                    throw e;
                }
                if (!finished) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                    return new Result(124, Files.readString(output) + "\n(timed out after " + timeout.toSeconds() + " s)");
                }
                return new Result(process.exitValue(), Files.readString(output));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return new Result(127, "cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
