package io.discordination.ops.rds;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.aws.Poller;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.topology.RdsTopology;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The environment's PostgreSQL DB instance ({@code rds.instance}): status, manual snapshots, and
 * restoring a snapshot to a new instance.
 *
 * <pre>{@code
 * rds().snapshot().awaitAvailable(minutes(30));
 * rds().restore(rds().snapshots().latest().snapshotId()).as("discordination-restore").start().awaitAvailable(minutes(60));
 * }</pre>
 */
public final class RdsInstance {
    /** {@link #snapshot(String)}: a manual snapshot of the instance. */
    public static final CommandTemplate CREATE_SNAPSHOT = CommandTemplate.of(
            "aws rds create-db-snapshot --db-instance-identifier <instance> --db-snapshot-identifier <snapshot>");
    private static final CommandTemplate DELETE_SNAPSHOT = CommandTemplate.of("aws rds delete-db-snapshot --db-snapshot-identifier <snapshot>");
    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * The injectable id of a {@code Function<String, RdsInstance>} (an instance by identifier) that
     * binds restored results: whoever reads a journal back provides it.
     */
    public static final String RESTORED_INSTANCES = "io.discordination.ops.rds.RdsInstance";

    private final RdsTopology rds;
    private final RdsClient client;
    private final HandleContext context;
    private final String instance;
    private final AwsErrors aws;

    /** The environment's instance ({@code rds.instance}). */
    public RdsInstance(RdsTopology rds, RdsClient client, HandleContext context) {
        this(rds, client, context, rds.instance().required());
    }

    /** Any instance by identifier (a restored one). */
    public RdsInstance(RdsTopology rds, RdsClient client, HandleContext context, String identifier) {
        this.rds = rds;
        this.client = client;
        this.context = context;
        this.instance = RdsIdentifiers.requireInstanceId(identifier);
        this.aws = AwsErrors.of(context.environment(), "rds");
    }

    /** Another instance of the same account and settings, by identifier (a restored one). */
    public RdsInstance instance(String identifier) {
        return new RdsInstance(rds, client, context, identifier);
    }

    public String identifier() {
        return instance;
    }

    RdsClient rds() {
        return client;
    }

    RdsTopology topology() {
        return rds;
    }

    HandleContext context() {
        return context;
    }

    AwsErrors aws() {
        return aws;
    }

    /** The instance's state, class, endpoint ({@code aws rds describe-db-instances}). */
    public RdsInstanceStatus status() {
        return find(instance).orElseThrow(() -> OpsException.builder("No DB instance " + instance + " in environment "
                        + context.environment().name())
                .service("rds").environment(context.environment().name()).resource(instance)
                .hint("check rds.instance in " + context.environment().source()).notFound());
    }

    /** The instance {@code id}, or empty if there is none (a read, for checks before a change). */
    Optional<RdsInstanceStatus> find(String id) {
        try {
            var r = aws.call("rds:DescribeDBInstances", "DB instance " + id,
                    () -> rds().describeDBInstances(b -> b.dbInstanceIdentifier(id)));
            return r.dbInstances().stream().findFirst().map(RdsInstance::toStatus);
        } catch (OpsException.NotFoundException e) {
            return Optional.empty();
        }
    }

    Optional<RdsSnapshot> findSnapshot(String snapshotId) {
        try {
            var r = aws.call("rds:DescribeDBSnapshots", "DB snapshot " + snapshotId,
                    () -> rds().describeDBSnapshots(b -> b.dbSnapshotIdentifier(snapshotId)));
            return r.dbSnapshots().stream().findFirst().map(RdsInstance::toSnapshot);
        } catch (OpsException.NotFoundException e) {
            return Optional.empty();
        }
    }

    /** Waits until the instance is {@code available}, with progress. */
    public Awaited<RdsInstanceStatus> awaitAvailable(Duration timeout) {
        return Poller.<RdsInstanceStatus>of(context, "Waiting for DB instance " + instance + " to be available")
                .until("available", RdsInstanceStatus::isAvailable)
                .failWhen(s -> switch (s.status()) {
                    case "failed", "incompatible-restore", "incompatible-parameters", "incompatible-network",
                         "restore-error", "storage-full", "deleting" -> "the instance is " + s.status();
                    default -> null;
                })
                .describe(s -> s.status())
                .interval(Duration.ofSeconds(5), Duration.ofSeconds(30))
                .poll(this::status, timeout);
    }

    /** A manual snapshot named {@code manual-<yyyyMMdd-HHmmss>} (UTC), as the runbook names them. */
    public RdsSnapshotCreation snapshot() {
        return snapshot("manual-" + ZonedDateTime.now(ZoneOffset.UTC).format(SNAPSHOT_TIME));
    }

    /**
     * A manual snapshot ({@code aws rds create-db-snapshot}). Not destructive: it only adds a
     * snapshot; the inverse deletes it. The identifier is checked against RDS's rules, and must
     * not exist yet, before any call that changes anything.
     */
    public RdsSnapshotCreation snapshot(String snapshotId) {
        RdsIdentifiers.requireSnapshotId(snapshotId);
        RdsInstanceStatus source = status();
        if (findSnapshot(snapshotId).isPresent()) {
            throw OpsException.builder("A DB snapshot named " + snapshotId + " already exists")
                    .service("rds").environment(context.environment().name()).resource(snapshotId)
                    .hint("choose another name, or call snapshot() for a timestamped one").invalidInput();
        }
        Effect effect = Effect.on("aws", "rds instance " + instance).verb("create-snapshot")
                .param("instance", instance).param("snapshot", snapshotId)
                .inverse(DELETE_SNAPSHOT.with("snapshot", snapshotId).render())
                .command(CREATE_SNAPSHOT.with("instance", instance).with("snapshot", snapshotId))
                .build();
        return context.gate().apply(effect, () -> {
            DBSnapshot s = aws.call("rds:CreateDBSnapshot", "DB instance " + instance,
                    () -> rds().createDBSnapshot(b -> b.dbInstanceIdentifier(instance).dbSnapshotIdentifier(snapshotId)).dbSnapshot());
            return new RdsSnapshotCreation(this, toSnapshot(s), false, effect);
        }, () -> new RdsSnapshotCreation(this, new RdsSnapshot(snapshotId, source.instance(), "planned", "manual", null,
                source.allocatedStorageGb(), source.engine(), null), true, effect),
                done -> Effect.on("aws", "rds snapshot " + snapshotId).verb("delete-snapshot")
                        .param("instance", instance).param("snapshot", snapshotId).destructive()
                        .command(DELETE_SNAPSHOT.with("snapshot", snapshotId)).build());
    }

    /**
     * Deletes manual snapshot {@code snapshotId} of this instance ({@code aws rds delete-db-snapshot}):
     * the inverse of {@link #snapshot(String)}, which {@code ops undo} runs. Destructive (confirmed).
     * A snapshot of another instance, or an automated one, is refused.
     *
     * <pre>{@code rds().deleteSnapshot("manual-20250101-120000");}</pre>
     */
    public RdsSnapshot deleteSnapshot(String snapshotId) {
        RdsIdentifiers.requireExistingSnapshotId(snapshotId);
        RdsSnapshot found = findSnapshot(snapshotId).orElseThrow(() -> OpsException.builder("No DB snapshot " + snapshotId
                        + " in environment " + context.environment().name()).service("rds").resource(snapshotId)
                .hint("it may have been deleted already; nothing was changed").notFound());
        if (!instance.equals(found.instance()) || !"manual".equals(found.type())) {
            throw OpsException.builder("DB snapshot " + snapshotId + " is " + found.type() + " of " + found.instance()
                            + ", not a manual snapshot of " + instance).service("rds").environment(context.environment().name())
                    .hint("nothing was changed").invalidInput();
        }
        Effect effect = Effect.on("aws", "rds snapshot " + snapshotId).verb("delete-snapshot")
                .param("instance", instance).param("snapshot", snapshotId).destructive()
                .command(DELETE_SNAPSHOT.with("snapshot", snapshotId)).build();
        return context.gate().apply(effect, () -> toSnapshot(aws.call("rds:DeleteDBSnapshot", "DB snapshot " + snapshotId,
                () -> rds().deleteDBSnapshot(b -> b.dbSnapshotIdentifier(snapshotId)).dbSnapshot())), () -> found);
    }

    /** The effect that deletes restored instance {@code target}, what undoing its restore does. */
    Effect deleteEffect(String target) {
        return Effect.on("aws", "rds instance " + target).verb("delete-instance")
                .param("instance", target).destructive()
                .command(RdsRestore.DELETE_INSTANCE.with("target", target)).build();
    }

    /**
     * Deletes this instance, one a restore created ({@code aws rds delete-db-instance
     * --skip-final-snapshot}): the inverse of {@link RdsRestore#start()}, which {@code ops undo}
     * runs. Destructive (confirmed); the environment's own instance ({@code rds.instance}) is refused.
     *
     * <pre>{@code rds("discordination-restore").deleteRestored();}</pre>
     */
    public RdsInstanceStatus deleteRestored() {
        if (instance.equals(rds.instance().optional().orElse(null))) {
            throw OpsException.builder("Refusing to delete " + instance + ": it is the environment's database, not a restored copy")
                    .service("rds").environment(context.environment().name()).resource(instance)
                    .hint("nothing was changed").refused();
        }
        RdsInstanceStatus current = status();
        return context.gate().apply(deleteEffect(instance), () -> toStatus(aws.call("rds:DeleteDBInstance", "DB instance " + instance,
                () -> rds().deleteDBInstance(b -> b.dbInstanceIdentifier(instance).skipFinalSnapshot(true)).dbInstance())),
                () -> current);
    }

    /** This instance's snapshots, newest first ({@code aws rds describe-db-snapshots}). */
    public RdsSnapshots snapshots() {
        status();
        List<RdsSnapshot> out = new ArrayList<>();
        aws.call("rds:DescribeDBSnapshots", "snapshots of DB instance " + instance, () -> {
            rds().describeDBSnapshotsPaginator(b -> b.dbInstanceIdentifier(instance)).dbSnapshots()
                    .forEach(s -> out.add(toSnapshot(s)));
            return null;
        });
        out.sort(Comparator.comparing(RdsSnapshot::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return new RdsSnapshots(instance, List.copyOf(out));
    }

    /**
     * Starts describing a restore of {@code snapshotId} to a new instance; the target defaults to
     * {@code rds.restoreTarget} and the class to {@code rds.restoreInstanceClass}. Nothing happens
     * until {@link RdsRestore#start()}.
     */
    public RdsRestore restore(String snapshotId) {
        return new RdsRestore(this, snapshotId,
                rds.restoreTarget().optional().orElse(null),
                rds.restoreInstanceClass().optional().orElse(null));
    }

    static RdsInstanceStatus toStatus(DBInstance i) {
        return new RdsInstanceStatus(i.dbInstanceIdentifier(), i.dbInstanceStatus(), i.engine(), i.engineVersion(),
                i.dbInstanceClass(), i.endpoint() == null ? null : i.endpoint().address(),
                i.endpoint() == null ? null : i.endpoint().port(), i.multiAZ(), i.allocatedStorage(),
                i.instanceCreateTime(), i.availabilityZone());
    }

    static RdsSnapshot toSnapshot(DBSnapshot s) {
        return new RdsSnapshot(s.dbSnapshotIdentifier(), s.dbInstanceIdentifier(), s.status(), s.snapshotType(),
                s.snapshotCreateTime(), s.allocatedStorage(), s.engine(), s.percentProgress());
    }

    @Override
    public String toString() {
        return "rds instance " + instance;
    }
}
