package io.discordination.ops.runbook.testing;

import io.discordination.ops.Ops;
import io.discordination.ops.OpsContext;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A tiny handle for test runbooks: lines in files under the environment's {@code logs.probe} folder.
 * {@link #append} is a side effect through the Gate (planned in a dry run, audited in a run);
 * {@link #lines} is a read. Tests check the files directly.
 *
 * <pre>{@code .action("Write the marker", () -> Probe.append("marker", param("label")))}</pre>
 */
public final class Probe {
    /** The appends' command. */
    public static final CommandTemplate APPEND = CommandTemplate.of("echo <line> >> <file>");
    /** {@link #remove}'s command. */
    public static final CommandTemplate REMOVE = CommandTemplate.of("rm <file>");

    private Probe() {
    }

    /** What an append did (or would do). */
    public record Appended(String file, String line, boolean planned) {
    }

    public static Path file(String name) {
        OpsContext ctx = Ops.context();
        return Path.of(ctx.environment().topology().logs().groups().get("probe").required()).resolve(name);
    }

    public static Appended append(String name, String line) {
        OpsContext ctx = Ops.context();
        Path file = file(name);
        Effect effect = Effect.on("test", "file " + file).verb("append").param("line", line)
                .command(APPEND.with("line", line).with("file", file.toString())).inverse("remove the line").build();
        return ctx.gate().apply(effect, () -> {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new Appended(file.toString(), line, false);
        }, () -> new Appended(file.toString(), line, true));
    }

    /** As {@link #append}, but a destructive effect: confirmed before it runs. */
    /** Appends from a thread this step starts and waits for: that thread must see the step's context. */
    public static Appended appendOnNewThread(String name, String line) throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Appended> done = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<RuntimeException> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                done.set(append(name, line));
            } catch (RuntimeException e) {
                failed.set(e);
            }
        }, "started-by-a-step");
        thread.start();
        thread.join();
        if (failed.get() != null) throw failed.get();
        return done.get();
    }

    private static final java.util.Map<String, java.util.concurrent.CyclicBarrier> MEETINGS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Waits until a second run in this JVM reaches the meeting {@code name} too (both contexts current
     * on their threads at once), then returns the name of the environment this step sees.
     */
    public static String meet(String name) throws Exception {
        MEETINGS.computeIfAbsent(name, n -> new java.util.concurrent.CyclicBarrier(2)).await(20, java.util.concurrent.TimeUnit.SECONDS);
        return Ops.environment().name();
    }

    public static Appended appendDestructive(String name, String line) {
        OpsContext ctx = Ops.context();
        Path file = file(name);
        Effect effect = Effect.on("test", "file " + file).verb("append").param("line", line).destructive()
                .command(APPEND.with("line", line).with("file", file.toString())).inverse("remove the line").build();
        return ctx.gate().apply(effect, () -> {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new Appended(file.toString(), line, false);
        }, () -> new Appended(file.toString(), line, true));
    }

    /** Appends, then stays inside the effect (holding its target) while the file {@code gate} exists. */
    public static Appended appendHolding(String name, String line, String gate) {
        return appendInsideEffect("append", name, line, gate);
    }

    /** Appends, unless the file {@code gate} exists: then waits until it is gone (a step a test can kill the run inside). */
    public static Appended appendAfter(String name, String line, String gate) throws InterruptedException {
        Path block = file(gate);
        Appended a = append(name, line);
        while (Files.exists(block) && !Ops.context().isDryRun()) Thread.sleep(50);
        return a;
    }

    /** Appends inside the effect's own code, waiting there while the file {@code gate} exists: an effect in flight a test can interrupt. */
    public static Appended appendWhileBlocked(String name, String line, String gate) {
        return appendInsideEffect("append-slowly", name, line, gate);
    }

    /** An append effect called {@code verb} whose code, after writing, waits while the file {@code gate} exists. */
    private static Appended appendInsideEffect(String verb, String name, String line, String gate) {
        OpsContext ctx = Ops.context();
        Path file = file(name);
        Path block = file(gate);
        Effect effect = Effect.on("test", "file " + file).verb(verb).param("line", line)
                .command(APPEND.with("line", line).with("file", file.toString())).build();
        return ctx.gate().apply(effect, () -> {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            while (Files.exists(block)) Thread.sleep(50);
            return new Appended(file.toString(), line, false);
        }, () -> new Appended(file.toString(), line, true));
    }

    /** Deletes the file: a destructive effect, confirmed like any other, with the file's line count resolved. */
    public static Appended remove(String name) {
        OpsContext ctx = Ops.context();
        Path file = file(name);
        Effect effect = Effect.on("test", "file " + file).verb("remove").param("lines", lines(name).size())
                .command(REMOVE.with("file", file.toString())).destructive().build();
        return ctx.gate().apply(effect, () -> {
            Files.deleteIfExists(file);
            return new Appended(file.toString(), "", false);
        }, () -> new Appended(file.toString(), "", true));
    }

    public static List<String> lines(String name) {
        Path file = file(name);
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails with {@code message}: a step that breaks. */
    public static Object fail(String message) {
        throw new IllegalStateException(message);
    }
}
