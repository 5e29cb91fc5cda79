package io.discordination.ops.postgres;

import io.discordination.ops.text.Table;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Connections to the environment's database per state (active, idle, idle in transaction, ...),
 * the runbook's {@code SELECT state, count(*) FROM pg_stat_activity ... GROUP BY state}.
 *
 * <pre>{@code long idle = postgres().connectionsByState().count("idle");}</pre>
 */
public record ConnectionsByState(String database, Map<String, Long> states) {
    public ConnectionsByState {
        states = Collections.unmodifiableMap(new LinkedHashMap<>(states));
    }

    public long count(String state) {
        return states.getOrDefault(state, 0L);
    }

    public long total() {
        return states.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
        Table table = Table.with("STATE", "COUNT");
        states.forEach(table::row);
        return table + "total  " + total() + "\n";
    }
}
