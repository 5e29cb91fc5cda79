package io.discordination.ops.redis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;

/**
 * A pub/sub message sent: the channel and how many subscribers received it. In a dry run,
 * {@code receivers} is how many are subscribed now and nothing was sent.
 *
 * <pre>{@code long n = redis().publish("user:" + id, "{\"type\":\"ForceDisconnect\"}").receivers();}</pre>
 */
public record Published(String channel, long receivers, boolean planned, @JsonIgnore Effect effect) implements Outcome {
    @Override
    public String toString() {
        return planned ? Outcome.plannedText("publish on " + channel + " to " + receivers + " subscribers")
                : "Published on " + channel + ": " + receivers + " subscribers received it";
    }
}
