package io.discordination.ops.account;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;

/**
 * An account enabled again (what {@code ops undo} does to a disable); {@code wasDisabled} says
 * whether it was disabled before. In a dry run, nothing changed.
 *
 * <pre>{@code account(id).enable().wasDisabled();}</pre>
 */
public record AccountEnabled(String userId, boolean wasDisabled, boolean planned, @JsonIgnore Effect effect) implements Outcome {
    @Override
    public String toString() {
        return (planned ? "Would enable" : "Enabled") + " user " + userId + (wasDisabled ? "" : " (it was not disabled)")
                + (planned ? " (dry run)" : "");
    }
}
