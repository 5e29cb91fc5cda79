package io.discordination.ops.postgres;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;
import io.discordination.ops.text.Table;

import java.time.Duration;
import java.util.List;

/**
 * Who {@link Postgres#terminateIdle(Duration)} terminated (in a dry run: would terminate): pid,
 * user, application, client and how long each had been idle.
 *
 * <pre>{@code postgres().terminateIdle(minutes(10)).connections().size();}</pre>
 */
public record TerminatedConnections(String database, Duration olderThan, List<IdleConnection> connections, boolean planned,
                                    @JsonIgnore Effect effect) implements Outcome {
    /** Rows the text shows; JSON has them all. */
    public static final int PRINTED_ROWS = 20;


    /**
     * One idle session; {@code terminated} says whether it was, and {@code note} why not (it had
     * gone or woken up; permission denied).
     */
    public record IdleConnection(int pid, String user, String application, String clientAddress, Duration idleFor,
                                 boolean terminated, String note) {
    }

    public TerminatedConnections {
        connections = List.copyOf(connections);
    }

    public long terminated() {
        return connections.stream().filter(IdleConnection::terminated).count();
    }

    @Override
    public String toString() {
        Table table = Table.with("PID", "USER", "APPLICATION", "CLIENT", "IDLE FOR", planned ? "WOULD TERMINATE" : "TERMINATED");
        connections.stream().limit(PRINTED_ROWS).forEach(c -> table.row(c.pid(), c.user(), c.application(), c.clientAddress(), Postgres.human(c.idleFor()),
                c.terminated() ? "yes" : c.note() == null ? "no" : "no: " + c.note()));
        String head = planned
                ? Outcome.plannedText("terminate " + connections.size() + " connections to " + database + " idle for more than " + Postgres.human(olderThan))
                : "Terminated " + terminated() + " connections to " + database + " idle for more than " + Postgres.human(olderThan);
        return head + "\n" + table + Table.leftOut(connections.size(), PRINTED_ROWS, "connections");
    }
}
