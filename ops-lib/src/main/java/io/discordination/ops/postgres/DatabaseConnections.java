package io.discordination.ops.postgres;

import io.discordination.ops.text.Table;

import java.time.Duration;
import java.util.List;

/**
 * The sessions connected to the environment's database ({@code pg_stat_activity}), oldest state
 * change first.
 *
 * <pre>{@code int n = postgres().connections().count();}</pre>
 */
public record DatabaseConnections(String database, List<Session> sessions) {

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
        sessions.forEach(s -> table.row(s.pid(), s.user(), s.application(), s.clientAddress(), s.state(),
                Postgres.human(s.inState()), s.waitEvent(), s.query()));
        return count() + " connections to " + database + "\n" + table;
    }
}
