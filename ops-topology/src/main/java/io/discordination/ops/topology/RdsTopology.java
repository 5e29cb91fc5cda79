package io.discordination.ops.topology;

/**
 * The {@code rds:} section: the database instance and where restores go.
 *
 * <pre>{@code String instance = topology.rds().instance().required();}</pre>
 *
 * @param instance             the DB instance identifier
 * @param restoreInstanceClass the class of a restored instance ({@code db.r6g.large})
 * @param restoreTarget        the identifier a restore creates by default
 * @param restoreSubnetGroup   the DB subnet group of a restored instance; absent: the source's
 * @param restoreSecurityGroups the VPC security groups of a restored instance (list); absent: the source's
 */
public record RdsTopology(Setting instance, Setting restoreInstanceClass, Setting restoreTarget, Setting restoreSubnetGroup,
                          SettingList restoreSecurityGroups) {
    public RdsTopology {
        instance = Defaults.orAbsent(instance);
        restoreInstanceClass = Defaults.orAbsent(restoreInstanceClass);
        restoreTarget = Defaults.orAbsent(restoreTarget);
        restoreSubnetGroup = Defaults.orAbsent(restoreSubnetGroup);
        restoreSecurityGroups = Defaults.orAbsent(restoreSecurityGroups);
    }

    static RdsTopology empty() {
        return new RdsTopology(null, null, null, null, null);
    }
}
