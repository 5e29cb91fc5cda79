package io.discordination.ops.logs;

import java.util.List;

/**
 * A bounded list of log events, as printed (and written as JSON) for a query; {@code truncated}
 * says more matched than were kept, {@code newest} that the kept ones are the last (the earlier
 * ones were left out) rather than the first.
 *
 * <pre>{@code LogEvents first = logs("api").tail(minutes(10)).first(100);}</pre>
 */
public record LogEvents(String logGroup, String filterPattern, List<LogEvent> events, boolean truncated, boolean newest) {

    public int size() {
        return events.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (truncated && newest) sb.append("... earlier events left out; the newest ").append(events.size()).append(" follow\n");
        events.forEach(e -> sb.append(e).append('\n'));
        if (events.isEmpty()) sb.append("(no events)\n");
        if (truncated && !newest) sb.append("... more events matched; use print() or stream() to see them all\n");
        return sb.toString();
    }
}
