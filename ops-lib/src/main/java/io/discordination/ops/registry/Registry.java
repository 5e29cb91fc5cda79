package io.discordination.ops.registry;

import io.discordination.ops.Redactor;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.CentralTrail;
import io.discordination.ops.topology.RegistryTopology;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The team's control plane of one environment: where runs, leases, saved plans, approvals, the
 * central audit trail and run journals live, so that every operator of an incident sees the same
 * state. With a {@code registry:} section ({@link RegistryTopology}) that is a DynamoDB table, a
 * CloudWatch Logs group and an S3 prefix in the environment's own AWS account; without one it is
 * local files under {@code OPS_HOME}, which serve one operator on one machine.
 * <p>
 * The AWS clients are the context's, made on first use: a command that never touches team state
 * never pays for them.
 *
 * <pre>{@code
 * Registry registry = context.registry();
 * if (!registry.central()) err.println("ops: " + registry.localNotice());
 * }</pre>
 */
public final class Registry {
    private final RegistryTopology topology;
    private final String environment;
    private final Path opsHome;
    private final Supplier<DynamoDbClient> dynamo;
    private final Supplier<CloudWatchLogsClient> logs;
    private final Supplier<S3Client> s3;
    private final java.util.concurrent.atomic.AtomicBoolean noticed = new java.util.concurrent.atomic.AtomicBoolean();
    private final Fence fence;
    private volatile Leases leases;

    public Registry(RegistryTopology topology, String environment, Path opsHome, Supplier<DynamoDbClient> dynamo,
                    Supplier<CloudWatchLogsClient> logs, Supplier<S3Client> s3) {
        this(topology, environment, opsHome, dynamo, logs, s3, Fence.NONE);
    }

    /** With {@code fence}: the condition checks of the leases the context's run holds ({@link RunLeases}), read at each write. */
    public Registry(RegistryTopology topology, String environment, Path opsHome, Supplier<DynamoDbClient> dynamo,
                    Supplier<CloudWatchLogsClient> logs, Supplier<S3Client> s3, Fence fence) {
        this.topology = Objects.requireNonNull(topology, "topology");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.opsHome = Objects.requireNonNull(opsHome, "opsHome");
        this.dynamo = dynamo;
        this.logs = logs;
        this.s3 = s3;
        this.fence = Objects.requireNonNull(fence, "fence");
    }

    /** True when team state is in AWS (the environment has {@code registry:}); false: local files. */
    public boolean central() {
        return topology.configured();
    }

    public RegistryTopology topology() {
        return topology;
    }

    /** The environment's name: every item and record of the registry names it. */
    public String environment() {
        return environment;
    }

    /** Where local team state lives: the spool, the fallback files. */
    public Path opsHome() {
        return opsHome;
    }

    /** The DynamoDB table's name; an error naming the setting when the environment has none. */
    public String table() {
        return topology.table().required();
    }

    public DynamoDbClient dynamo() {
        return dynamo.get();
    }

    public CloudWatchLogsClient logs() {
        return logs.get();
    }

    public S3Client s3() {
        return s3.get();
    }

    /**
     * The central audit trail fed from {@code spool} ({@code registry.auditLogGroup}), shipping with
     * {@code logs} (a client of its own, with short timeouts); {@code required}: destructive effects need it
     * ({@code audit.requireCentral}). Without a log group: records stay in the spool, and a
     * required trail refuses every destructive effect, saying why.
     */
    public CentralTrail auditTrail(AuditLog spool, Redactor redactor, boolean required, AwsErrors errors,
                                   Supplier<CloudWatchLogsClient> logs, Consumer<String> notices) {
        if (!central() || !topology.auditLogGroup().isWritten()) {
            return AuditTrail.missing(required, "environment " + environment + " has no registry.auditLogGroup to ship its audit records to");
        }
        return new AuditTrail(environment, topology.auditLogGroup().required(), required, spool, redactor, errors, logs, notices);
    }

    /** The runs of this environment, every operator's: in the registry, or this machine's journals without one. */
    public RunHistory runs() {
        return central() ? new DynamoRunHistory(this) : new LocalRunHistory(opsHome, environment);
    }

    /** Saved plans and their approvals ({@code ops plan --save}, {@code ops approve}, {@code ops apply}). */
    public Plans plans() {
        return new Plans(this);
    }

    /**
     * The environment's leases: items of the registry table with a {@code registry:} section
     * ({@link DynamoLeases}), else lock files under {@code OPS_HOME/locks} ({@link LocalLeases}).
     */
    public Leases leases() {
        Leases l = leases;
        if (l == null) {
            synchronized (this) {
                if (leases == null) {
                    leases = central() ? new DynamoLeases(dynamo, table(), environment)
                            : new LocalLeases(opsHome.resolve("locks"), environment);
                }
                l = leases;
            }
        }
        return l;
    }

    /**
     * What a registry write of this context's run must prove: a condition check per lease it holds
     * now (still its run, still its token). Put them into the write's TransactWriteItems; a run that
     * lost a lease then cannot write. {@link Fence#NONE} outside a run.
     */
    public Fence fence() {
        return fence;
    }

    /** One line for stderr, said once per command, when team state stays on this machine. */
    public String localNotice() {
        return "environment " + environment + " has no registry: section; runs, leases and the audit trail stay in "
                + opsHome + " on this machine (docs/control-plane.md)";
    }

    /**
     * Says {@link #localNotice()} through {@code say} when team state stays on this machine, the
     * first time it is asked for this registry (one per command: its context's); later calls, and
     * an environment with {@code registry:}, say nothing. Returns whether it said it.
     *
     * <pre>{@code context.registry().noticeIfLocal(line -> err.println("ops: " + line));}</pre>
     */
    public boolean noticeIfLocal(java.util.function.Consumer<String> say) {
        if (central() || !noticed.compareAndSet(false, true)) return false;
        say.accept(localNotice());
        return true;
    }

    /** Where team state lives, in one line: for {@code ops env}, {@code ops setup} and errors. */
    public String describe() {
        if (!central()) return "local files under " + opsHome;
        return "DynamoDB table " + topology.table().optional().orElse("?")
                + ", audit log group " + topology.auditLogGroup().optional().orElse("?")
                + ", journals s3://" + topology.journalBucket().optional().orElse("?") + "/" + topology.journalPrefixOrDefault();
    }
}
