package io.discordination.ops.livekit;

/**
 * A participant removed (kicked) from a room; in a dry run, nothing was done. They can rejoin
 * unless their access is also revoked.
 *
 * <pre>{@code livekit().room("voice:" + channelId).remove(userId);}</pre>
 */
public record ParticipantRemoved(String room, String identity, boolean dryRun) {
    @Override
    public String toString() {
        return (dryRun ? "Would remove " : "Removed ") + identity + " from " + room + (dryRun ? " (dry run)" : "");
    }
}
