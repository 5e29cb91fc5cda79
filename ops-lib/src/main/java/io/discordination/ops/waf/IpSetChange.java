package io.discordination.ops.waf;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;
import io.discordination.ops.text.Table;

/**
 * What {@code block} or {@code unblock} did: the normalized range, whether the set changed (no
 * change when it was already so), how many read-modify-write attempts it took, and the set's size after.
 *
 * <pre>{@code IpSetChange c = waf().block("203.0.113.7"); c.changed();}</pre>
 */
public record IpSetChange(String ipSet, String cidr, String action, boolean changed, String outcome, int attempts,
                          int addressesAfter, boolean planned, @JsonIgnore Effect effect) implements Outcome {
    @Override
    public String toString() {
        return (planned ? Outcome.plannedText(action + " " + cidr + " in ip set " + ipSet) + "\n" : "") + Table.fields("ip set", ipSet, "action", action, "address", cidr,
                "outcome", outcome, "attempts", attempts, "addresses now", addressesAfter);
    }
}
