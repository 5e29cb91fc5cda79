package io.discordination.ops.topology;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Map;

/**
 * The {@code secrets:} section: short name ({@code jwt-secret}) to Secrets Manager secret id
 * ({@code discordination/jwt-secret}). Ids, not values: nothing here is secret.
 *
 * <pre>{@code String id = topology.secrets().ids().get("jwt-secret").required();}</pre>
 */
public record SecretsTopology(@JsonValue Map<String, Setting> ids) {
    public SecretsTopology {
        ids = Defaults.names(ids);
    }

    static SecretsTopology empty() {
        return new SecretsTopology(null);
    }
}
