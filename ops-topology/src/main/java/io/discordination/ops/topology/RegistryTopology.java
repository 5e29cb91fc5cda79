package io.discordination.ops.topology;

/**
 * The {@code registry:} section: the team's control plane, in AWS services the platform already
 * runs. A DynamoDB table holds runs, leases, saved plans and approvals (items expire by TTL); a
 * CloudWatch Logs group holds the central audit trail; an S3 prefix holds run journals, so another
 * operator on another machine can see and resume a run. {@code deploy/control-plane.yaml} creates
 * all three; {@code ops setup} plans, creates or checks them. An environment without this section
 * keeps its team state in local files under {@code OPS_HOME} (one operator).
 *
 * <pre>{@code if (topology.registry().configured()) table = topology.registry().table().required();}</pre>
 *
 * @param table         the DynamoDB table (partition key {@code pk}, sort key {@code sk}, TTL on {@code ttl})
 * @param auditLogGroup the CloudWatch Logs group of the central audit trail
 * @param journalBucket the S3 bucket of run journals
 * @param journalPrefix the key prefix of run journals in it ({@code journals/})
 */
public record RegistryTopology(Setting table, Setting auditLogGroup, Setting journalBucket, Setting journalPrefix) {
    public RegistryTopology {
        table = Defaults.orAbsent(table);
        auditLogGroup = Defaults.orAbsent(auditLogGroup);
        journalBucket = Defaults.orAbsent(journalBucket);
        journalPrefix = Defaults.orAbsent(journalPrefix);
    }

    /** True when the file names a registry table: team state is then in AWS, not in local files. */
    public boolean configured() {
        return table.isWritten();
    }

    /** The journal prefix, ending in {@code /} unless empty; {@code journals/} when absent. */
    public String journalPrefixOrDefault() {
        String prefix = journalPrefix.optional().orElse("journals/");
        return prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    }

    static RegistryTopology empty() {
        return new RegistryTopology(null, null, null, null);
    }
}
