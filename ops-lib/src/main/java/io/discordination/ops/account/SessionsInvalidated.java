package io.discordination.ops.account;

/**
 * Sessions deleted for one user; in a dry run, how many would be.
 *
 * <pre>{@code long n = account(id).invalidateSessions().sessions();}</pre>
 */
public record SessionsInvalidated(String userId, long sessions, boolean dryRun) {
    @Override
    public String toString() {
        return (dryRun ? "Would delete " : "Deleted ") + sessions + " sessions of user " + userId + (dryRun ? " (dry run)" : "");
    }
}
