package io.discordination.ops.account;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;

/**
 * The {@code ForceDisconnect} message sent on a user's channel, and how many gateways received it;
 * in a dry run, how many are listening now.
 *
 * <pre>{@code long gateways = account(id).forceDisconnect().gateways();}</pre>
 */
public record ForcedDisconnect(String userId, String channel, long gateways, boolean planned, @JsonIgnore Effect effect) implements Outcome {
    @Override
    public String toString() {
        return (planned ? Outcome.plannedText("send ForceDisconnect on " + channel + " to " + gateways + " gateways")
                : "Sent ForceDisconnect on " + channel + ": " + gateways + " gateways received it");
    }
}
