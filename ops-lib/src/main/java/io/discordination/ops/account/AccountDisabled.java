package io.discordination.ops.account;

/**
 * An account disabled; {@code wasDisabled} says it already was. In a dry run, nothing changed.
 *
 * <pre>{@code account(id).disable().wasDisabled();}</pre>
 */
public record AccountDisabled(String userId, boolean wasDisabled, boolean dryRun) {
    @Override
    public String toString() {
        return (dryRun ? "Would disable" : "Disabled") + " user " + userId + (wasDisabled ? " (it already was)" : "")
                + (dryRun ? " (dry run)" : "");
    }
}
