package io.discordination.ops.logs;

import io.discordination.ops.text.Table;

import java.util.List;

/**
 * The most frequent values found in a stream of log events (client IPs behind 429s), counted
 * without keeping the events.
 *
 * <pre>{@code TopValues ips = logs("api").filter("429", hours(1)).topClientIps(10);}</pre>
 */
public record TopValues(String what, long eventsScanned, long eventsCounted, List<Entry> top) {

    /** One value and how many events carried it. */
    public record Entry(String value, long count) {
    }

    /** The values only, most frequent first. */
    public List<String> values() {
        return top.stream().map(Entry::value).toList();
    }

    @Override
    public String toString() {
        Table t = Table.with(what.toUpperCase(java.util.Locale.ROOT), "COUNT");
        top.forEach(e -> t.row(e.value(), e.count()));
        return t + "(" + eventsCounted + " of " + eventsScanned + " events scanned matched and carried a " + what + ")\n";
    }
}
