package io.discordination.ops.aws;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Progress;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Polls a read until a condition holds, showing progress, and returns what it matched
 * ({@link Awaited}); a timeout is an {@link OpsException} that tells the last state seen. A
 * {@code failed} condition stops the wait at once (a rollout that failed will not succeed).
 *
 * <pre>{@code
 * Awaited<RdsInstanceStatus> up = Poller.of(context, "Waiting for discordination-restore")
 *         .until("available", s -> s.status().equals("available")).poll(() -> rds.status(), Duration.ofMinutes(30));
 * }</pre>
 */
public final class Poller<T> {
    private final HandleContext context;
    private final String label;
    private String matched = "done";
    private Predicate<T> done = t -> true;
    private Function<T, String> failed = t -> null;
    private Function<T, String> describe = String::valueOf;
    private ToLongFunction<T> progressValue;
    private long progressTotal = -1;
    private String unit = "";
    private Duration interval = Duration.ofSeconds(2);
    private Duration maxInterval = Duration.ofSeconds(15);

    private Poller(HandleContext context, String label) {
        this.context = context;
        this.label = label;
    }

    public static <T> Poller<T> of(HandleContext context, String label) {
        return new Poller<>(context, label);
    }

    /** The condition to wait for, and the name of the state it means ({@code stable}). */
    public Poller<T> until(String matched, Predicate<T> done) {
        this.matched = matched;
        this.done = done;
        return this;
    }

    /** A state that ends the wait as a failure: returns the reason, or null while all is well. */
    public Poller<T> failWhen(Function<T, String> failed) {
        this.failed = failed;
        return this;
    }

    /** How the last state reads in a timeout message. */
    public Poller<T> describe(Function<T, String> describe) {
        this.describe = describe;
        return this;
    }

    /** Shows {@code value}/{@code total} as progress (running tasks of desired); otherwise checks are counted. */
    public Poller<T> progress(ToLongFunction<T> value, long total, String unit) {
        this.progressValue = value;
        this.progressTotal = total;
        this.unit = unit;
        return this;
    }

    /** First interval between checks; it grows by half each time up to {@code max}. */
    public Poller<T> interval(Duration first, Duration max) {
        this.interval = first;
        this.maxInterval = max;
        return this;
    }

    public Awaited<T> poll(Supplier<T> read, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        int attempts = 0;
        Duration wait = interval;
        T last = null;
        try (Progress progress = context.progress(label, progressTotal).unit(progressValue == null ? "checks" : unit)) {
            while (true) {
                last = read.get();
                attempts++;
                if (progressValue != null) progress.set(progressValue.applyAsLong(last));
                else progress.set(attempts);
                if (done.test(last)) {
                    return new Awaited<>(last, matched, attempts, Duration.ofNanos(System.nanoTime() - start), false);
                }
                String failure = failed.apply(last);
                if (failure != null) {
                    throw OpsException.builder(label + ": " + failure)
                            .environment(context.environment().name())
                            .hint("after " + attempts + " checks; last state: " + describe.apply(last)).build();
                }
                long now = System.nanoTime();
                if (now >= deadline) break;
                long sleep = Math.min(wait.toNanos(), deadline - now);
                try {
                    Thread.sleep(Math.max(1, sleep / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw OpsException.builder(label + ": interrupted while waiting").cause(e).build();
                }
                wait = Duration.ofNanos(Math.min(maxInterval.toNanos(), wait.toNanos() * 3 / 2));
            }
        }
        throw OpsException.builder(label + ": not " + matched + " after " + Durations.format(timeout)
                        + " (" + attempts + " checks)")
                .environment(context.environment().name())
                .hint("last state: " + describe.apply(last) + "; wait longer or look at what blocks it").build();
    }
}
