package io.discordination.ops.redis;

/**
 * A pub/sub message sent: the channel and how many subscribers received it. In a dry run,
 * {@code receivers} is how many are subscribed now and nothing was sent.
 *
 * <pre>{@code long n = redis().publish("user:" + id, "{\"type\":\"ForceDisconnect\"}").receivers();}</pre>
 */
public record Published(String channel, long receivers, boolean dryRun) {
    @Override
    public String toString() {
        return dryRun ? "Would publish on " + channel + " to " + receivers + " subscribers (dry run)"
                : "Published on " + channel + ": " + receivers + " subscribers received it";
    }
}
