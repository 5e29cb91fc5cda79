package io.discordination.ops.topology;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Map;

/**
 * The {@code logs:} section: short name ({@code api}) to CloudWatch log group
 * ({@code /ecs/discordination-api}); written in the file as a plain mapping.
 *
 * <pre>{@code String group = topology.logs().groups().get("api").required();}</pre>
 */
public record LogsTopology(@JsonValue Map<String, Setting> groups) {
    public LogsTopology {
        groups = Defaults.names(groups);
    }

    static LogsTopology empty() {
        return new LogsTopology(null);
    }
}
