package io.discordination.ops.account;

import io.discordination.ops.gate.Outcome;
import io.discordination.ops.text.Table;

/**
 * The compromised-account runbook's three outcomes, in its order: sessions invalidated, gateways
 * told to disconnect, account disabled.
 *
 * <pre>{@code LockDown done = account(id).lockDown();}</pre>
 */
public record LockDown(String userId, SessionsInvalidated sessions, ForcedDisconnect disconnect, AccountDisabled disabled) {
    @Override
    public String toString() {
        return (sessions.planned() ? Outcome.plannedText("lock-down of user " + userId) : "Lock-down of user " + userId) + "\n"
                + Table.with("STEP", "OUTCOME")
                .row("1. invalidate sessions", sessions.sessions() + " sessions " + (sessions.planned() ? "to delete" : "deleted"))
                .row("2. force disconnect", disconnect.gateways() + " gateways " + (disconnect.planned() ? "listening" : "notified"))
                .row("3. disable account", disabled.planned() ? "planned" : disabled.wasDisabled() ? "was already disabled" : "disabled");
    }
}
