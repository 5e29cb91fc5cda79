package io.discordination.ops.account;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;

/**
 * Sessions deleted for one user; in a dry run, how many would be.
 *
 * <pre>{@code long n = account(id).invalidateSessions().sessions();}</pre>
 */
public record SessionsInvalidated(String userId, long sessions, boolean planned, @JsonIgnore Effect effect) implements Outcome {
    @Override
    public String toString() {
        String what = sessions + " sessions of user " + userId;
        return planned ? Outcome.plannedText("delete " + what) : "Deleted " + what;
    }
}
