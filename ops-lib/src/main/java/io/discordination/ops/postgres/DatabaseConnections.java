package io.discordination.ops.postgres;

import io.discordination.ops.text.Table;

import java.time.Duration;
import java.util.List;

/**
 * The sessions connected to the environment's database ({@code pg_stat_activity}), oldest state
 * change first. Printed, the counts by state and the first {@value #PRINTED_ROWS} sessions (a
 * database at its limit has thousands); JSON carries every session.
 *
 * <pre>{@code int n = postgres().connections().count();}</pre>
 */
public record DatabaseConnections(String database, List<Session> sessions) {
    public static final int PRINTED_ROWS = 50;

    /** One backend. {@code inState} is how long it has been in its state; {@code query} is cut to 100 characters. */
    public record Session(int pid, String user, String application, String clientAddress, String state,
                          Duration inState, String waitEvent, String query) {
    }

    public DatabaseConnections {
        sessions = List.copyOf(sessions);
    }

    public int count() {
        return sessions.size();
    }

    @Override
    public String toString() {
        Table table = Table.with("PID", "USER", "APPLICATION", "CLIENT", "STATE", "FOR", "WAIT", "QUERY");
        sessions.stream().limit(PRINTED_ROWS).forEach(s -> table.row(s.pid(), s.user(), s.application(), s.clientAddress(), s.state(),
                Postgres.human(s.inState()), s.waitEvent(), s.query()));
        java.util.Map<String, Long> byState = new java.util.TreeMap<>();
        sessions.forEach(s -> byState.merge(s.state() == null ? "none" : s.state(), 1L, Long::sum));
        return count() + " connections to " + database + " (by state " + byState + ")\n" + table
                + Table.leftOut(sessions.size(), PRINTED_ROWS, "sessions");
    }
}
