package io.discordination.ops;

import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.ExecutingGate;
import io.discordination.ops.gate.Gate;
import io.discordination.ops.gate.Mode;
import io.discordination.ops.gate.Plan;
import io.discordination.ops.gate.PlanningGate;
import io.discordination.ops.gate.TargetLocks;
import io.discordination.ops.text.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Everything one piece of operations work needs: the {@link Environment}, the {@link Gate}
 * (mode, confirmation, audit), the redactor, and the clients, created on first use and closed
 * with the context. Handles come from here. Embedding code opens one and closes it; scripts and
 * the REPL reach the current one through {@link Ops}.
 *
 * <pre>{@code
 * try (OpsContext ops = OpsContext.builder().environment("prod").confirmer(Confirmer.approveAll()).build()) {
 *     ops.account(userId).lockDown();
 * }
 * }</pre>
 */
public final class OpsContext implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsContext.class);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Environment environment;
    private final Path opsHome;
    private final String runId;
    private final Redactor redactor = new Redactor();
    private final Gate gate;
    private final Progress.Style progressStyle;
    private final PrintStream progressOut;
    private final Map<Object, Object> resources = new LinkedHashMap<>();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final io.discordination.ops.aws.AwsCalls awsCalls = new io.discordination.ops.aws.AwsCalls();
    private final CallCounter redisCommands = new CallCounter();
    private final CallCounter postgresStatements = new CallCounter();
    private volatile String awsIdentity;
    private boolean closed;

    private OpsContext(Builder b) {
        this.environment = b.environment != null ? b.environment
                : Environment.named(b.environmentName == null ? "local" : b.environmentName, b.opsHome,
                OpsPaths.environments(), System::getenv);
        this.opsHome = b.opsHome;
        this.runId = b.runId != null ? b.runId : newRunId();
        environment.secrets().forEach(redactor::register);
        AuditLog audit = AuditLog.forEnvironment(opsHome, environment.name(), redactor);
        Confirmer confirmer = b.confirmer != null ? b.confirmer : Confirmer.terminal(false);
        this.gate = b.mode == Mode.DRY_RUN ? new PlanningGate(environment.name(), audit, redactor)
                : new ExecutingGate(environment, confirmer, audit, redactor, runId, this::awsIdentity, TargetLocks.under(opsHome));
        this.progressStyle = b.progressStyle;
        this.progressOut = b.progressOut;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Opens a context on the named environment, executing, confirming destructive effects at the terminal. */
    public static OpsContext open(String environment) {
        return builder().environment(environment).build();
    }

    public Environment environment() {
        return environment;
    }

    public Gate gate() {
        return gate;
    }

    public Mode mode() {
        return gate.mode();
    }

    public boolean isDryRun() {
        return gate.isDryRun();
    }

    /** What a dry run would have done so far. */
    public Plan plan() {
        return gate.plan();
    }

    public Redactor redactor() {
        return redactor;
    }

    public String runId() {
        return runId;
    }

    public Path opsHome() {
        return opsHome;
    }

    /** Progress for long work, drawn as the context was told (a bar on a terminal, lines in a log, or nothing). */
    public Progress progress(String label, long total) {
        return new Progress(label, total, progressOut, progressStyle);
    }

    /**
     * The resource under {@code key}, created by {@code factory} on first use. A resource that is
     * {@link AutoCloseable} is closed with the context, newest first. Thread-safe.
     */
    @SuppressWarnings("unchecked")
    public synchronized <T> T resource(Object key, Supplier<T> factory) {
        if (closed) throw new OpsException("This OpsContext is closed; open a new one");
        Object existing = resources.get(key);
        if (existing != null) return (T) existing;
        T created = factory.get();
        resources.put(key, created);
        if (created instanceof AutoCloseable c) closeables.push(c);
        return created;
    }

    /**
     * An AWS client of this environment (region, endpoint override, credentials), created once and
     * closed with the context. It retries in the SDK's adaptive mode (throttling slows this client
     * down before it tries again: client-side rate limiting) and counts its calls in {@link #awsCalls()}.
     *
     * <pre>{@code EcsClient ecs = context.awsClient(EcsClient.class, EcsClient::builder);}</pre>
     */
    public <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C awsClient(
            Class<C> type, Supplier<B> builder) {
        return resource(type, () -> {
            B b = builder.get();
            b.region(Region.of(environment.awsRegion()));
            environment.awsEndpoint().ifPresent(b::endpointOverride);
            b.credentialsProvider(awsCredentials());
            b.httpClientBuilder(UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(60)));
            b.overrideConfiguration(o -> o.retryStrategy(RetryMode.ADAPTIVE_V2).addExecutionInterceptor(awsCalls));
            return b.build();
        });
    }

    /** Every AWS call this context's clients made, per service and operation. */
    public io.discordination.ops.aws.AwsCalls awsCalls() {
        return awsCalls;
    }

    /** Every command this context's Redis clients sent, per command ({@code INFO}, {@code CLIENT}). */
    public CallCounter redisCommands() {
        return redisCommands;
    }

    /** Every statement this context's PostgreSQL handle sent, per SQL verb ({@code SELECT}). */
    public CallCounter postgresStatements() {
        return postgresStatements;
    }

    private AwsCredentialsProvider awsCredentials() {
        Optional<String> keyId = environment.optionalString("aws.accessKeyId");
        Optional<Secret> secretKey = environment.optionalSecret("aws.secretAccessKey");
        if (keyId.isPresent() && secretKey.isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId.get(), secretKey.get().reveal()));
        }
        Optional<String> profile = environment.optionalString("aws.profile");
        if (profile.isPresent()) return ProfileCredentialsProvider.create(profile.get());
        return DefaultCredentialsProvider.builder().build();
    }

    /** The AWS caller identity (ARN) for the audit log, looked up once; {@code unknown (...)} if STS does not answer. */
    public String awsIdentity() {
        String identity = awsIdentity;
        if (identity == null) {
            try {
                identity = awsClient(StsClient.class, StsClient::builder).getCallerIdentity().arn();
            } catch (RuntimeException e) {
                LOG.debug("caller identity lookup failed", e);
                identity = "unknown (" + redactor.redact(String.valueOf(e.getMessage())) + ")";
            }
            awsIdentity = identity;
        }
        return identity;
    }

    // Handles. Each returns a fresh, cheap handle; the clients behind it are shared by the context.
    // --- AWS handles ---
    /** One ECS service by short name ({@code api}, {@code gateway}): status, tasks, rolling restart. */
    public io.discordination.ops.ecs.EcsService ecs(String service) {
        return new io.discordination.ops.ecs.EcsService(this, service);
    }

    /** The environment's ECS cluster: one-off tasks (migrations, the cleanup run) and services. */
    public io.discordination.ops.ecs.EcsCluster ecs() {
        return new io.discordination.ops.ecs.EcsCluster(this);
    }

    /** A CloudWatch log group by short name ({@code api}) or real name: tail, filter, follow. */
    public io.discordination.ops.logs.LogGroup logs(String name) {
        return new io.discordination.ops.logs.LogGroup(this, name);
    }

    /** The environment's RDS instance: status, snapshots, restore. */
    public io.discordination.ops.rds.RdsInstance rds() {
        return new io.discordination.ops.rds.RdsInstance(this);
    }

    /** CloudWatch metrics: ECS memory utilization, any metric query. */
    public io.discordination.ops.metrics.CloudWatchMetrics metrics() {
        return new io.discordination.ops.metrics.CloudWatchMetrics(this);
    }

    /** The environment's versioned file bucket: usage, versions, restore. */
    public io.discordination.ops.s3.Bucket bucket() {
        return new io.discordination.ops.s3.Bucket(this);
    }

    /** The WAF IP set of blocked addresses: addresses, block, unblock. */
    public io.discordination.ops.waf.WafIpSet waf() {
        return new io.discordination.ops.waf.WafIpSet(this);
    }

    /** A Secrets Manager secret by short name ({@code jwt-secret}) or id: describe, rotate. */
    public io.discordination.ops.secrets.SecretsManagerSecret secret(String name) {
        return new io.discordination.ops.secrets.SecretsManagerSecret(this, name);
    }
    // --- data-plane handles ---
    /** The environment's Redis (standalone or cluster): reads, publish, flushDb, deleteMatching. */
    public io.discordination.ops.redis.Redis redis() {
        return new io.discordination.ops.redis.Redis(this);
    }

    /** The environment's PostgreSQL database: connections, idle termination, parameterized reads. */
    public io.discordination.ops.postgres.Postgres postgres() {
        return new io.discordination.ops.postgres.Postgres(this);
    }

    /** One user's account, for the compromised-account runbook; the id must be a UUID (checked here). */
    public io.discordination.ops.account.Account account(String userId) {
        return new io.discordination.ops.account.Account(this, userId);
    }

    /** The environment's LiveKit voice cluster: health, rooms, participants, kicks. */
    public io.discordination.ops.livekit.LiveKit livekit() {
        return new io.discordination.ops.livekit.LiveKit(this);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), redactor.redact(e.getMessage()));
            }
        }
        resources.clear();
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "OpsContext[" + environment.name() + ", " + gate.mode() + ", run " + runId + "]";
    }

    private static String newRunId() {
        return LocalDateTime.now().format(RUN_ID_TIME) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    /** Configures a context; only the environment is needed. */
    public static final class Builder {
        private Environment environment;
        private String environmentName;
        private Mode mode = Mode.EXECUTE;
        private Confirmer confirmer;
        private Path opsHome = OpsPaths.home();
        private String runId;
        private Progress.Style progressStyle = Progress.Style.QUIET;
        private PrintStream progressOut = System.err;

        public Builder environment(Environment environment) { this.environment = environment; return this; }
        /** An environment by name ({@code local}, {@code prod}) or path; see {@link Environment#named(String)}. */
        public Builder environment(String name) { this.environmentName = name; return this; }
        public Builder mode(Mode mode) { this.mode = Objects.requireNonNull(mode); return this; }
        public Builder dryRun() { return mode(Mode.DRY_RUN); }
        public Builder confirmer(Confirmer confirmer) { this.confirmer = confirmer; return this; }
        public Builder opsHome(Path opsHome) { this.opsHome = opsHome.toAbsolutePath().normalize(); return this; }
        public Builder runId(String runId) { this.runId = runId; return this; }
        public Builder progress(Progress.Style style, PrintStream out) { this.progressStyle = style; this.progressOut = out; return this; }

        public OpsContext build() {
            return new OpsContext(this);
        }
    }
}
