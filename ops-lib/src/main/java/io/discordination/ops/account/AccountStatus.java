package io.discordination.ops.account;

import io.discordination.ops.text.Table;

/**
 * One user's state: whether the account is disabled, how many sessions it has, and how many
 * gateways listen on its channel (its open WebSocket connections' nodes).
 *
 * <pre>{@code account(id).status().sessions();}</pre>
 */
public record AccountStatus(String userId, boolean disabled, long sessions, long gatewaySubscribers) {
    @Override
    public String toString() {
        return Table.fields("user", userId, "disabled", disabled, "sessions", sessions, "gateways subscribed", gatewaySubscribers);
    }
}
