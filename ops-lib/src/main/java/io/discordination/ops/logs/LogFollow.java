package io.discordination.ops.logs;


import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Follows a log group as {@code aws logs tail --follow} does: polls for new events from a start
 * time, passes each on once (de-duplicated by event id; each poll re-reads a short overlap so
 * events that arrive late are not missed), and stops when a condition holds (after one last poll,
 * so lines written just before the stop are shown), when the timeout passes, or when the thread
 * is interrupted.
 *
 * <pre>{@code logs("migrate").follow().until(task::isStopped).timeout(minutes(15)).print();}</pre>
 */
public final class LogFollow {
    /** How far back each poll looks behind the newest event seen, for late arrivals. */
    static final Duration OVERLAP = Duration.ofSeconds(30);

    private final LogsClients context;
    private final LogGroup group;
    private Duration since = Duration.ofMinutes(10);
    private String pattern = "";
    private List<String> streams = List.of();
    private BooleanSupplier until = () -> false;
    private Duration timeout = Duration.ofHours(1);
    private Duration pollEvery = Duration.ofSeconds(2);

    LogFollow(LogsClients context, LogGroup group) {
        this.context = context;
        this.group = group;
    }

    /** Starts this far back (default 10 minutes, as {@code aws logs tail}). */
    public LogFollow since(Duration since) {
        this.since = Objects.requireNonNull(since);
        return this;
    }

    /** Only events matching {@code pattern} (quoted as {@link FilterPatterns} does). */
    public LogFollow pattern(String pattern) {
        this.pattern = FilterPatterns.of(pattern);
        return this;
    }

    /** Only these log streams. */
    public LogFollow streams(List<String> streams) {
        this.streams = List.copyOf(streams);
        return this;
    }

    /** Stops once {@code condition} is true (checked before each poll). */
    public LogFollow until(BooleanSupplier condition) {
        this.until = Objects.requireNonNull(condition);
        return this;
    }

    /** Stops after this long at the latest (default one hour). */
    public LogFollow timeout(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout);
        return this;
    }

    public LogFollow pollEvery(Duration interval) {
        this.pollEvery = Objects.requireNonNull(interval);
        return this;
    }

    /** Prints each new event to standard output. */
    public FollowResult print() {
        return printTo(System.out);
    }

    public FollowResult printTo(PrintStream out) {
        return forEach(e -> {
            out.println(e);
            out.flush();
        });
    }

    /** Passes each new event to {@code consumer}, oldest first, until stopped; returns how it ended. */
    public FollowResult forEach(Consumer<LogEvent> consumer) {
        long startNanos = System.nanoTime();
        long deadline = startNanos + timeout.toNanos();
        Instant start = Instant.now().minus(since);
        Instant cursor = start;
        Map<String, Instant> seen = new HashMap<>();
        Instant newest = null;
        long events = 0;
        int polls = 0;
        String reason;
        while (true) {
            boolean last = until.getAsBoolean();
            for (LogEvent e : new LogQuery(context, group.name(), pattern, cursor, null, streams)) {
                if (seen.putIfAbsent(e.eventId(), e.timestamp()) != null) continue;
                consumer.accept(e);
                events++;
                if (newest == null || e.timestamp().isAfter(newest)) newest = e.timestamp();
            }
            polls++;
            if (newest != null) {
                Instant floor = newest.minus(OVERLAP);
                seen.values().removeIf(t -> t.isBefore(floor));
                cursor = floor.isAfter(start) ? floor : start;
            }
            if (last) {
                reason = "condition";
                break;
            }
            if (System.nanoTime() >= deadline) {
                reason = "timeout";
                break;
            }
            try {
                Thread.sleep(Math.max(1, Math.min(pollEvery.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                reason = "interrupted";
                break;
            }
        }
        return new FollowResult(group.name(), events, polls, reason, Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
