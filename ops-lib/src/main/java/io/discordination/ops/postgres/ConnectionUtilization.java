package io.discordination.ops.postgres;

import io.discordination.ops.text.Table;

import java.util.Locale;

/**
 * How close the server is to "too many connections": {@code max_connections}, the slots reserved
 * for superusers, client connections in use on the whole server and on the environment's
 * database, and the share of the usable slots taken.
 *
 * <pre>{@code if (postgres().utilization().ratio() > 0.9) ...}</pre>
 */
public record ConnectionUtilization(int maxConnections, int reserved, int inUse, int inUseByDatabase, String database) {
    /** Client connections over the slots ordinary users can take, 0..1 (more when superusers use reserved ones). */
    public double ratio() {
        int usable = Math.max(1, maxConnections - reserved);
        return inUse / (double) usable;
    }

    @Override
    public String toString() {
        return Table.fields("max_connections", maxConnections, "reserved", reserved, "in use (server)", inUse,
                "in use (" + database + ")", inUseByDatabase,
                "utilization", String.format(Locale.ROOT, "%.0f%% of %d usable", 100 * ratio(), maxConnections - reserved));
    }
}
