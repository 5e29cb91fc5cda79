package io.discordination.ops.logs;

import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Table;

import java.time.Duration;

/**
 * How a {@link LogFollow} ended: how many events it passed on, why it stopped ({@code condition},
 * {@code timeout} or {@code interrupted}), and after how long.
 *
 * <pre>{@code FollowResult r = logs("migrate").follow().until(done).forEach(System.out::println);}</pre>
 */
public record FollowResult(String logGroup, long events, int polls, String stoppedBecause, Duration elapsed) {
    @Override
    public String toString() {
        return Table.fields("log group", logGroup, "events", events, "polls", polls, "stopped because", stoppedBecause,
                "elapsed", Durations.format(elapsed));
    }
}
