package io.discordination.ops.topology;

/**
 * The {@code audit:} section: what the environment demands of its audit trail.
 *
 * <pre>{@code boolean strict = topology.audit().requiresCentral();}</pre>
 *
 * @param requireCentral {@code true}: when the central trail ({@code registry.auditLogGroup}) cannot
 *                       be written, destructive effects are refused; absent or {@code false}: records
 *                       wait in the local spool and are shipped by a later command
 */
public record AuditTopology(Setting requireCentral) {
    public AuditTopology {
        requireCentral = Defaults.orAbsent(requireCentral);
    }

    public boolean requiresCentral() {
        return requireCentral.flag(false);
    }

    static AuditTopology empty() {
        return new AuditTopology(null);
    }
}
