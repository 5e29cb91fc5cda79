package io.discordination.ops.waf;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;
import io.discordination.ops.text.Table;

import java.util.List;

/**
 * What one {@code block} or {@code unblock} of several ranges did: one {@link IpSetChange} per
 * range, all written in a single UpdateIPSet (one lock-token cycle, {@code attempts} of them when
 * others wrote in between), and the set's size after.
 *
 * <pre>{@code IpSetChanges c = waf().block(List.of("203.0.113.7", "198.51.100.0/24")); c.changes();}</pre>
 */
public record IpSetChanges(String ipSet, String action, List<IpSetChange> changes, int attempts, int addressesAfter,
                           boolean planned, @JsonIgnore Effect effect) implements Outcome {
    /** Rows the text shows; JSON has them all. */
    public static final int PRINTED_ROWS = 20;

    public IpSetChanges {
        changes = List.copyOf(changes);
    }

    /** True if the set changed. */
    public boolean changed() {
        return changes.stream().anyMatch(IpSetChange::changed);
    }

    @Override
    public String toString() {
        Table t = Table.with("ADDRESS", "OUTCOME");
        changes.stream().limit(PRINTED_ROWS).forEach(c -> t.row(c.cidr(), c.outcome()));
        return (planned ? Outcome.plannedText(action + " " + changes.size() + " addresses in ip set " + ipSet) + "\n" : "") + Table.fields("ip set", ipSet, "action", action, "attempts", attempts,
                "addresses now", addressesAfter) + "\n" + t + Table.leftOut(changes.size(), PRINTED_ROWS, "addresses");
    }
}
