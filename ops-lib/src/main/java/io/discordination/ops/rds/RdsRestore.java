package io.discordination.ops.rds;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.RestoreDbInstanceFromDbSnapshotRequest;

import java.util.List;

/**
 * A restore of a snapshot to a new DB instance, described step by step and started with
 * {@link #start()}. Immutable: each setter returns a changed copy.
 *
 * <pre>{@code rds().restore("manual-20240501-101500").as("discordination-restore").instanceClass("db.r6g.large").start();}</pre>
 */
public final class RdsRestore {
    /** {@link #start()}: a new instance from the snapshot, in the environment's subnet group and security groups. */
    public static final CommandTemplate RESTORE = CommandTemplate.of("aws rds restore-db-instance-from-db-snapshot"
            + " --db-instance-identifier <target> --db-snapshot-identifier <snapshot> [--db-instance-class <instance_class>]"
            + " [--db-subnet-group-name <subnet_group>] [--vpc-security-group-ids <security_groups>]");
    static final CommandTemplate DELETE_INSTANCE = CommandTemplate.of(
            "aws rds delete-db-instance --db-instance-identifier <target> --skip-final-snapshot");
    private final RdsInstance source;
    private final String snapshotId;
    private final String target;
    private final String instanceClass;

    RdsRestore(RdsInstance source, String snapshotId, String target, String instanceClass) {
        this.source = source;
        this.snapshotId = snapshotId;
        this.target = target;
        this.instanceClass = instanceClass;
    }

    /** The new instance's identifier (default {@code rds.restoreTarget}). */
    public RdsRestore as(String newInstance) {
        return new RdsRestore(source, snapshotId, newInstance, instanceClass);
    }

    /** The new instance's class (default {@code rds.restoreInstanceClass}, else the snapshot's instance class). */
    public RdsRestore instanceClass(String instanceClass) {
        return new RdsRestore(source, snapshotId, target, instanceClass);
    }

    public String snapshotId() {
        return snapshotId;
    }

    public String target() {
        return target;
    }

    /**
     * Restores ({@code aws rds restore-db-instance-from-db-snapshot}). Checked first, before any
     * call that changes anything: both identifiers and the instance class follow RDS's rules, the snapshot exists and is
     * available, and no instance has the target's name: restoring onto an existing identifier is
     * refused (an invalid-input error, exit 2). Not destructive: it creates a new instance and
     * leaves the original alone; the inverse deletes the new one.
     */
    public RdsRestoration start() {
        HandleContext context = source.context();
        RdsIdentifiers.requireExistingSnapshotId(snapshotId);
        if (instanceClass != null) RdsIdentifiers.requireInstanceClass(instanceClass);
        if (target == null) {
            throw OpsException.builder("No target instance for the restore").service("rds")
                    .hint("name one: restore(snapshot).as(\"discordination-restore\"), or set rds.restoreTarget").invalidInput();
        }
        RdsIdentifiers.requireInstanceId(target);
        RdsSnapshot snapshot = source.findSnapshot(snapshotId).orElseThrow(() -> OpsException.builder(
                        "No DB snapshot " + snapshotId + " in environment " + context.environment().name())
                .service("rds").environment(context.environment().name()).resource(snapshotId)
                .hint("list them with ops plan restore-db-backup (rds().snapshots() in code)").notFound());
        if (!snapshot.isAvailable()) {
            throw OpsException.builder("DB snapshot " + snapshotId + " is " + snapshot.status() + ", not available")
                    .service("rds").environment(context.environment().name())
                    .hint("wait until it is available (aws rds wait db-snapshot-available --db-snapshot-identifier " + snapshotId
                            + ") and run again").invalidInput();
        }
        source.find(target).ifPresent(existing -> {
            throw OpsException.builder("Refusing to restore onto " + target + ": a DB instance with that name already exists ("
                            + existing.status() + ")")
                    .service("rds").environment(context.environment().name()).resource(target)
                    .hint("restore to a new name: --param target=" + target + "-2 (in code: restore(\"" + snapshotId + "\").as(\""
                            + target + "-2\")); nothing was changed")
                    .invalidInput();
        });
        String subnetGroup = source.topology().restoreSubnetGroup().optional().orElse(null);
        List<String> securityGroups = source.topology().restoreSecurityGroups().values();

        RestoreDbInstanceFromDbSnapshotRequest.Builder request = RestoreDbInstanceFromDbSnapshotRequest.builder()
                .dbInstanceIdentifier(target).dbSnapshotIdentifier(snapshotId);
        if (instanceClass != null) {
            request.dbInstanceClass(instanceClass);
        }
        if (subnetGroup != null) {
            request.dbSubnetGroupName(subnetGroup);
        }
        if (!securityGroups.isEmpty()) {
            request.vpcSecurityGroupIds(securityGroups);
        }
        RestoreDbInstanceFromDbSnapshotRequest built = request.build();
        Effect effect = Effect.on("aws", "rds instance " + target).verb("restore-from-snapshot")
                .param("snapshot", snapshotId).param("target", target).param("instanceClass", instanceClass)
                .inverse(DELETE_INSTANCE.with("target", target).render())
                .command(RESTORE.with("target", target).with("snapshot", snapshotId).with("instance_class", instanceClass)
                        .with("subnet_group", subnetGroup).with("security_groups", securityGroups.isEmpty() ? null : securityGroups))
                .build();
        return context.gate().apply(effect, () -> {
            DBInstance created = source.aws().call("rds:RestoreDBInstanceFromDBSnapshot", "DB snapshot " + snapshotId,
                    () -> source.rds().restoreDBInstanceFromDBSnapshot(built).dbInstance());
            return new RdsRestoration(source.instance(target), snapshotId, RdsInstance.toStatus(created), false, effect);
        }, () -> new RdsRestoration(source.instance(target), snapshotId,
                new RdsInstanceStatus(target, "planned", snapshot.engine(), null, instanceClass, null, null, null,
                        snapshot.allocatedStorageGb(), null, null), true, effect),
                done -> source.deleteEffect(target));
    }

    @Override
    public String toString() {
        return "restore " + snapshotId + " as " + target + (instanceClass == null ? "" : " (" + instanceClass + ")")
                + " (not started: call start())";
    }
}
