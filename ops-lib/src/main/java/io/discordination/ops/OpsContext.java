package io.discordination.ops;

import io.discordination.ops.account.Account;
import io.discordination.ops.aws.AwsCalls;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.aws.RequestPacer;
import io.discordination.ops.ecs.EcsCluster;
import io.discordination.ops.ecs.EcsService;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.CentralTrail;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.EffectGuard;
import io.discordination.ops.gate.ExecutingGate;
import io.discordination.ops.gate.Gate;
import io.discordination.ops.gate.Mode;
import io.discordination.ops.gate.Plan;
import io.discordination.ops.gate.PlanningGate;
import io.discordination.ops.livekit.LiveKit;
import io.discordination.ops.livekit.LiveKitClients;
import io.discordination.ops.logs.LogGroup;
import io.discordination.ops.metrics.CloudWatchMetrics;
import io.discordination.ops.postgres.Postgres;
import io.discordination.ops.postgres.PostgresPool;
import io.discordination.ops.rds.RdsInstance;
import io.discordination.ops.redis.Redis;
import io.discordination.ops.redis.RedisConnections;
import io.discordination.ops.registry.AuditTrail;
import io.discordination.ops.registry.Registry;
import io.discordination.ops.registry.RunLeases;
import io.discordination.ops.s3.Bucket;
import io.discordination.ops.secrets.SecretsManagerSecret;
import io.discordination.ops.text.Progress;
import io.discordination.ops.topology.AwsTopology;
import io.discordination.ops.topology.Topology;
import io.discordination.ops.waf.WafIpSet;
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
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.wafv2.Wafv2Client;

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
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The composition root of one piece of operations work: it reads the {@link Environment}, makes
 * the {@link Gate} (mode, confirmation, audit) and the redactor, creates each client once, on
 * first use, and closes them with the context, and wires every handle from its topology record,
 * its clients and the shared {@link HandleContext}. Handles never see the context. Embedding code
 * opens one and closes it; scripts and the REPL reach the current one through {@link Ops}.
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
    private final Topology topology;
    private final Path opsHome;
    private final String runId;
    private final Redactor redactor = new Redactor();
    private final Gate gate;
    private final CentralTrail trail;
    private final HandleContext handles;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final AwsCalls awsCalls = new AwsCalls();
    private final AwsCalls auditTrailCalls = new AwsCalls();
    private final Lazy<CloudWatchLogsClient> auditTrailLogs = new Lazy<>(this::auditTrailClient);
    private final CallCounter redisCommands = new CallCounter();
    private final CallCounter postgresStatements = new CallCounter();
    /** The AWS clients made so far, one per client type. */
    private final Map<Class<? extends SdkClient>, SdkClient> awsClients = new LinkedHashMap<>();
    /** One pacer for every log group's FilterLogEvents calls: the quota is the account's, not a group's. */
    private final RequestPacer filterLogEvents = new RequestPacer(LogGroup.FILTER_LOG_EVENTS_PER_SECOND);
    private final Lazy<RedisConnections> redisConnections;
    private final Lazy<PostgresPool> postgresPool;
    private final Lazy<LiveKitClients> livekitClients;
    private volatile String awsIdentity;
    private volatile Registry registry;
    /** The leases this context's run takes; null for a plan, which takes none. */
    private final RunLeases leases;
    private boolean closed;

    private OpsContext(Builder b) {
        this.environment = b.environment != null ? b.environment
                : Environment.named(b.environmentName == null ? "local" : b.environmentName, b.opsHome,
                OpsPaths.environments(), System::getenv);
        this.topology = environment.topology();
        this.opsHome = b.opsHome;
        this.runId = b.runId != null ? b.runId : newRunId();
        environment.secrets().forEach(redactor::register);
        AuditLog audit = AuditLog.forEnvironment(opsHome, environment.name(), redactor);
        Confirmer asked = b.confirmer != null ? b.confirmer : Confirmer.terminal(false);
        // the prompt says what an effect touches and whether it was used lately; looked up only when a person is asked
        Confirmer confirmer = asked.isInteractive() && !asked.assumesYes() ? asked.describing(PromptContext.of(this)) : asked;
        // the run's leases before the registry, whose fence they are
        this.leases = b.mode == Mode.DRY_RUN ? null : new RunLeases(() -> registry().leases(), this::leaseHolder,
                environment.name(), runId, RunLeases.configuredExpiry());
        // the registry unreachable: this machine's lock, unless the environment requires the central trail
        if (leases != null && !topology.audit().requiresCentral()) {
            leases.fallBackTo(() -> new io.discordination.ops.registry.LocalLeases(opsHome.resolve("locks"), environment.name()), b.notices);
        }
        HandleContext.Place place = new HandleContext.Place(environment.name(), environment.source(), topology.aws());
        this.trail = registry().auditTrail(audit, redactor, topology.audit().requiresCentral(),
                AwsErrors.of(place, "CloudWatch Logs"), auditTrailLogs, b.notices);
        this.gate = b.mode == Mode.DRY_RUN ? new PlanningGate(environment.name(), audit, redactor)
                : new ExecutingGate(environment, confirmer, audit, redactor, runId, this::awsIdentity, leases, trail,
                b.guard);
        this.handles = new HandleContext(gate, place, redactor, runId, b.progressStyle, b.progressOut);
        // records an earlier command could not ship go now, in the background
        if (trail instanceof AuditTrail central && central.backlog()) central.shipSoon();
        String name = environment.name();
        this.redisConnections = new Lazy<>(() -> RedisConnections.create(topology.redis(), name, redactor::redact, redisCommands));
        this.postgresPool = new Lazy<>(() -> PostgresPool.create(topology.postgres(), name, redactor, postgresStatements));
        this.livekitClients = new Lazy<>(() -> LiveKitClients.create(topology.livekit(), name, redactor));
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

    /**
     * Where the audit records go after the local spool: the registry's audit log group
     * ({@link AuditTrail}), or {@link CentralTrail#NONE} for an environment without one.
     */
    public CentralTrail auditTrail() {
        return trail;
    }

    /** Progress for long work, drawn as the context was told (a bar on a terminal, lines in a log, or nothing). */
    public Progress progress(String label, long total) {
        return handles.progress(label, total);
    }

    /** What this context hands every handle it wires: the Gate, where it works, the redactor, progress, the run id. */
    public HandleContext handleContext() {
        return handles;
    }

    /**
     * An AWS client of this environment (region, endpoint override, credentials), created once and
     * closed with the context. It retries in the SDK's adaptive mode (throttling slows this client
     * down before it tries again: client-side rate limiting) and counts its calls in {@link #awsCalls()}.
     *
     * <pre>{@code EcsClient ecs = context.awsClient(EcsClient.class, EcsClient::builder);}</pre>
     */
    public synchronized <C extends SdkClient, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C awsClient(
            Class<C> type, Supplier<B> builder) {
        if (closed) throw new OpsException("This OpsContext is closed; open a new one");
        SdkClient existing = awsClients.get(type);
        if (existing != null) return type.cast(existing);
        B b = placed(builder.get());
        SdkHttpClient http = httpClient(Duration.ofSeconds(5), Duration.ofSeconds(60));
        b.httpClient(http);
        b.overrideConfiguration(o -> o.retryStrategy(RetryMode.ADAPTIVE_V2).addExecutionInterceptor(awsCalls));
        C created = b.build();
        awsClients.put(type, created);
        closeables.push(http); // handed in, so closed by this context after the client
        closeables.push(created);
        return created;
    }

    /**
     * The HTTP client of one AWS client: the SDK's URL connection client. Where the environment's
     * endpoint speaks plain HTTP (the sandbox, an emulator), it is made without a TLS context: the
     * SDK's builder sets one up for every client it builds (the JDK's trust store read and parsed,
     * about a tenth of a second of a start), for a connection that never uses it.
     */
    private SdkHttpClient httpClient(Duration connect, Duration socket) {
        boolean plain = topology.aws().endpoint().optional().map(e -> e.regionMatches(true, 0, "http://", 0, 7)).orElse(false);
        if (!plain) return UrlConnectionHttpClient.builder().connectionTimeout(connect).socketTimeout(socket).build();
        int connectMs = (int) connect.toMillis();
        int socketMs = (int) socket.toMillis();
        return UrlConnectionHttpClient.create(uri -> {
            try {
                java.net.HttpURLConnection c = (java.net.HttpURLConnection) uri.toURL().openConnection();
                c.setConnectTimeout(connectMs);
                c.setReadTimeout(socketMs);
                return c;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** {@code b} with this environment's region, endpoint and credentials. */
    private <B extends AwsClientBuilder<B, ?>> B placed(B b) {
        AwsTopology aws = topology.aws();
        b.region(Region.of(aws.regionOrDefault()));
        aws.endpoint().optional().map(java.net.URI::create).ifPresent(b::endpointOverride);
        b.credentialsProvider(awsCredentials());
        return b;
    }

    /**
     * The central audit trail's own CloudWatch Logs client: short timeouts, standard retries, and
     * its calls counted apart ({@link #auditTrailCalls()}), so that shipping in the background never
     * shows up among a step's calls.
     */
    private CloudWatchLogsClient auditTrailClient() {
        SdkHttpClient http = httpClient(Duration.ofSeconds(3), Duration.ofSeconds(10));
        closeables.push(http);
        return placed(CloudWatchLogsClient.builder())
                .httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).addExecutionInterceptor(auditTrailCalls))
                .build();
    }

    /** The calls the central audit trail made (shipping, reading), apart from {@link #awsCalls()}. */
    public AwsCalls auditTrailCalls() {
        return auditTrailCalls;
    }

    /** Every AWS call this context's clients made, per service and operation. */
    public AwsCalls awsCalls() {
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
        AwsTopology aws = topology.aws();
        Optional<String> keyId = aws.accessKeyId().optional();
        Optional<Secret> secretKey = aws.secretAccessKey().optional().map(Secret::of);
        if (keyId.isPresent() && secretKey.isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId.get(), secretKey.get().reveal()));
        }
        Optional<String> profile = aws.profile().optional();
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

    /**
     * The environment's control plane: the registry table, the central audit trail and the journal
     * prefix when the environment has a {@code registry:} section, local files under {@code OPS_HOME}
     * when it has none ({@link Registry#central()}). Its AWS clients are this context's.
     */
    public Registry registry() {
        Registry r = registry;
        if (r == null) {
            synchronized (this) {
                if (registry == null) {
                    registry = new Registry(topology.registry(), environment.name(), opsHome,
                            () -> awsClient(DynamoDbClient.class, DynamoDbClient::builder),
                            () -> awsClient(CloudWatchLogsClient.class, CloudWatchLogsClient::builder), this::s3Client,
                            leases == null ? io.discordination.ops.registry.Fence.NONE : leases);
                }
                r = registry;
            }
        }
        return r;
    }

    /**
     * The leases this run holds and takes ({@link RunLeases}): name its runbook, make it wait for a
     * held target; null for a plan, which takes none.
     */
    public RunLeases leases() {
        return leases;
    }

    /** Who holds this run's leases: the AWS caller identity with a registry table, else the OS user. */
    private String leaseHolder() {
        return topology.registry().configured() ? awsIdentity() : System.getProperty("user.name");
    }

    private S3Client s3Client() {
        // an emulator's endpoint has no per-bucket host names: path-style addressing there
        boolean pathStyle = topology.aws().endpoint().optional().isPresent();
        return awsClient(S3Client.class, () -> S3Client.builder().forcePathStyle(pathStyle));
    }

    // Handles. Each returns a fresh, cheap handle wired with its settings and the context's shared clients.
    // --- AWS handles ---
    /** One ECS service by short name ({@code api}, {@code gateway}): status, tasks, rolling restart. */
    public EcsService ecs(String service) {
        return new EcsService(topology.ecs(), awsClient(EcsClient.class, EcsClient::builder), handles, service);
    }

    /** The environment's ECS cluster: one-off tasks (migrations, the cleanup run) and services. */
    public EcsCluster ecs() {
        return new EcsCluster(topology.ecs(), topology.logs(), awsClient(EcsClient.class, EcsClient::builder), this::logGroup, handles);
    }

    /** A CloudWatch log group by short name ({@code api}) or real name: tail, filter, follow. */
    public LogGroup logs(String name) {
        return new LogGroup(topology.logs(), awsClient(CloudWatchLogsClient.class, CloudWatchLogsClient::builder), filterLogEvents,
                handles, name);
    }

    /** A CloudWatch log group by its real name, whether or not the environment lists it (a one-off task's). */
    public LogGroup logGroup(String realName) {
        return LogGroup.ofRealName(awsClient(CloudWatchLogsClient.class, CloudWatchLogsClient::builder), filterLogEvents,
                handles, realName);
    }

    /** The environment's RDS instance: status, snapshots, restore. */
    public RdsInstance rds() {
        return new RdsInstance(topology.rds(), awsClient(RdsClient.class, RdsClient::builder), handles);
    }

    /** Any RDS instance of the account by identifier (a restored one). */
    public RdsInstance rds(String identifier) {
        return new RdsInstance(topology.rds(), awsClient(RdsClient.class, RdsClient::builder), handles, identifier);
    }

    /** CloudWatch metrics: ECS memory utilization, any metric query. */
    public CloudWatchMetrics metrics() {
        return new CloudWatchMetrics(topology.ecs(), awsClient(CloudWatchClient.class, CloudWatchClient::builder), handles);
    }

    /** The environment's versioned file bucket: usage, versions, restore. */
    public Bucket bucket() {
        return new Bucket(topology.s3(), s3Client(), awsClient(CloudWatchClient.class, CloudWatchClient::builder), handles);
    }

    /** Any bucket of the account, by name. */
    public Bucket bucket(String name) {
        return new Bucket(s3Client(), awsClient(CloudWatchClient.class, CloudWatchClient::builder), handles, name);
    }

    /** The WAF IP set of blocked addresses: addresses, block, unblock. */
    public WafIpSet waf() {
        return new WafIpSet(topology.waf(), awsClient(Wafv2Client.class, Wafv2Client::builder), handles);
    }

    /** A Secrets Manager secret by short name ({@code jwt-secret}) or id: describe, rotate. */
    public SecretsManagerSecret secret(String name) {
        return new SecretsManagerSecret(topology.secrets(), awsClient(SecretsManagerClient.class, SecretsManagerClient::builder),
                handles, name);
    }
    // --- data-plane handles ---
    /** The environment's Redis (standalone or cluster): reads, publish, flushDb, deleteMatching. */
    public Redis redis() {
        return new Redis(redisConnections, handles);
    }

    /** The environment's PostgreSQL database: connections, idle termination, parameterized reads. */
    public Postgres postgres() {
        return new Postgres(postgresPool, handles);
    }

    /** One user's account, for the compromised-account runbook; the id must be a UUID (checked here). */
    public Account account(String userId) {
        return new Account(postgresPool, redisConnections, handles, userId);
    }

    /** The environment's LiveKit voice cluster: health, rooms, participants, kicks. */
    public LiveKit livekit() {
        return new LiveKit(livekitClients, handles);
    }

    @Override
    public void close() {
        // the last records of the command go to the central trail while the clients are still open;
        // outside this context's lock, which the shipping thread takes to reach its client
        if (trail instanceof AuditTrail central) central.close();
        closeClients();
    }

    private synchronized void closeClients() {
        if (closed) return;
        // the leases first: their release needs the clients closed below
        if (leases != null) leases.close();
        closed = true;
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), redactor.redact(e.getMessage()));
            }
        }
        awsClients.clear();
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

    /**
     * A client made on its first use and closed with the context, newest first; the handles that
     * share it get this, so a handle that never calls needs none of the client's settings. Thread-safe.
     */
    private final class Lazy<T> implements Supplier<T> {
        private final Supplier<T> factory;
        private T value;

        Lazy(Supplier<T> factory) {
            this.factory = factory;
        }

        @Override
        public T get() {
            synchronized (OpsContext.this) {
                if (closed) throw new OpsException("This OpsContext is closed; open a new one");
                if (value == null) {
                    value = factory.get();
                    if (value instanceof AutoCloseable c) closeables.push(c);
                }
                return value;
            }
        }
    }

    /** Configures a context; only the environment is needed. */
    public static final class Builder {
        private Environment environment;
        private String environmentName;
        private Mode mode = Mode.EXECUTE;
        private Confirmer confirmer;
        private EffectGuard guard = EffectGuard.NONE;
        private Path opsHome = OpsPaths.home();
        private String runId;
        private Progress.Style progressStyle = Progress.Style.QUIET;
        private PrintStream progressOut = System.err;
        private Consumer<String> notices = line -> System.err.println("ops: " + line);

        public Builder environment(Environment environment) { this.environment = environment; return this; }
        /** An environment by name ({@code local}, {@code prod}) or path; see {@link Environment#named(String)}. */
        public Builder environment(String name) { this.environmentName = name; return this; }
        public Builder mode(Mode mode) { this.mode = Objects.requireNonNull(mode); return this; }
        public Builder dryRun() { return mode(Mode.DRY_RUN); }
        public Builder confirmer(Confirmer confirmer) { this.confirmer = confirmer; return this; }
        /** What every effect of a run is checked against first: a saved plan's effects ({@code ops apply}), an approvals policy. */
        public Builder guard(EffectGuard guard) { this.guard = guard == null ? EffectGuard.NONE : guard; return this; }
        public Builder opsHome(Path opsHome) { this.opsHome = opsHome.toAbsolutePath().normalize(); return this; }
        public Builder runId(String runId) { this.runId = runId; return this; }
        public Builder progress(Progress.Style style, PrintStream out) { this.progressStyle = style; this.progressOut = out; return this; }
        /** Where one-line notices go (the central audit trail cannot be written); {@code ops: <line>} on stderr by default. */
        public Builder notices(Consumer<String> notices) { this.notices = Objects.requireNonNull(notices); return this; }

        public OpsContext build() {
            return new OpsContext(this);
        }
    }
}
