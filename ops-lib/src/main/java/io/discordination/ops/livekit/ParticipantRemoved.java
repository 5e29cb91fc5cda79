package io.discordination.ops.livekit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;

/**
 * A participant removed (kicked) from a room; in a dry run, nothing was done. They can rejoin
 * unless their access is also revoked.
 *
 * <pre>{@code livekit().room("voice:" + channelId).remove(userId);}</pre>
 */
public record ParticipantRemoved(String room, String identity, boolean planned, @JsonIgnore Effect effect) implements Outcome {
    @Override
    public String toString() {
        String what = identity + " from " + room;
        return planned ? Outcome.plannedText("remove " + what) : "Removed " + what;
    }
}
