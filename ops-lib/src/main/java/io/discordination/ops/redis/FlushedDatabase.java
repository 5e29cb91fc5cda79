package io.discordination.ops.redis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;

import java.util.List;

/**
 * A database emptied with {@code FLUSHDB ASYNC}: which database, on which nodes, and how many keys
 * it held just before. In a dry run, nothing was flushed.
 *
 * <pre>{@code long dropped = redis().flushDb().keys();}</pre>
 */
public record FlushedDatabase(int database, long keys, List<String> nodes, boolean planned, @JsonIgnore Effect effect)
        implements Outcome {
    public FlushedDatabase {
        nodes = List.copyOf(nodes);
    }

    @Override
    public String toString() {
        String what = " database " + database + " on " + String.join(", ", nodes) + " (" + KeyDeleter.count(keys) + " keys)";
        return planned ? Outcome.plannedText("flush" + what) : "Flushed" + what;
    }
}
