package io.discordination.ops.redis;

import java.util.List;

/**
 * A database emptied with {@code FLUSHDB ASYNC}: which database, on which nodes, and how many keys
 * it held just before. In a dry run, nothing was flushed.
 *
 * <pre>{@code long dropped = redis().flushDb().keys();}</pre>
 */
public record FlushedDatabase(int database, long keys, List<String> nodes, boolean dryRun) {
    public FlushedDatabase {
        nodes = List.copyOf(nodes);
    }

    @Override
    public String toString() {
        return (dryRun ? "Would flush" : "Flushed") + " database " + database + " on " + String.join(", ", nodes)
                + " (" + KeyDeleter.count(keys) + " keys)" + (dryRun ? " (dry run)" : "");
    }
}
