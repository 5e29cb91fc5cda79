package io.discordination.ops.logs;

import java.util.List;

/**
 * A bounded list of log events, as printed (and written as JSON) for a query; {@code truncated}
 * says more matched than were kept.
 *
 * <pre>{@code LogEvents first = logs("api").tail(minutes(10)).first(100);}</pre>
 */
public record LogEvents(String logGroup, String filterPattern, List<LogEvent> events, boolean truncated) {

    public int size() {
        return events.size();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        events.forEach(e -> sb.append(e).append('\n'));
        if (events.isEmpty()) sb.append("(no events)\n");
        if (truncated) sb.append("... more events matched; use print() or stream() to see them all\n");
        return sb.toString();
    }
}
