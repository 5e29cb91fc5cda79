package io.discordination.ops.redis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;
import io.discordination.ops.text.Table;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What {@link Redis#deleteMatching(String)} did: keys deleted (UNLINK's own count, exact), keys
 * SCAN returned ({@code matched}: in a dry run, what would be deleted; while deleting it may count
 * a few keys twice, SCAN's own guarantee), the keys on those nodes when it began, how long it
 * took, who ran the batches ({@code server}: a script per batch; {@code client}: SCAN then UNLINK
 * from here, where scripts are refused), and the same per node.
 *
 * <pre>{@code DeletedKeys d = redis().deleteMatching("api:cache:*"); d.deleted();}</pre>
 */
public record DeletedKeys(String pattern, boolean planned, long deleted, long matched, long keyspace,
                          Duration elapsed, List<NodeCount> nodes, String batches, @JsonIgnore Effect effect) implements Outcome {

    /** One node's share. */
    public record NodeCount(String node, long deleted, long matched) {
    }

    public DeletedKeys {
        nodes = List.copyOf(nodes);
    }

    /** The same counts, as the outcome of {@code effect}. */
    DeletedKeys of(Effect effect) {
        return new DeletedKeys(pattern, planned, deleted, matched, keyspace, elapsed, nodes, batches, effect);
    }

    @Override
    public String toString() {
        String head = planned
                ? Outcome.plannedText("delete " + KeyDeleter.count(matched) + " keys matching " + pattern)
                : "Deleted " + KeyDeleter.count(deleted) + " keys matching " + pattern;
        head += String.format(Locale.ROOT, " of %s in %.2fs%n", KeyDeleter.count(keyspace), elapsed.toNanos() / 1e9);
        if (nodes.size() <= 1) return head;
        Table table = Table.with("NODE", planned ? "MATCHING" : "DELETED");
        nodes.forEach(n -> table.row(n.node(), KeyDeleter.count(planned ? n.matched() : n.deleted())));
        return head + table;
    }
}
