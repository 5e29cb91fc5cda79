package io.discordination.ops.account;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;

/**
 * An account disabled; {@code wasDisabled} says it already was. In a dry run, nothing changed.
 *
 * <pre>{@code account(id).disable().wasDisabled();}</pre>
 */
public record AccountDisabled(String userId, boolean wasDisabled, boolean planned, @JsonIgnore Effect effect) implements Outcome {
    @Override
    public String toString() {
        String what = " user " + userId + (wasDisabled ? " (it already was)" : "");
        return planned ? Outcome.plannedText("disable" + what) : "Disabled" + what;
    }
}
