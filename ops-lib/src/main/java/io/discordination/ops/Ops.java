package io.discordination.ops;

import io.discordination.ops.env.Environment;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The static facade for scripts and the REPL: {@code ecs("api").status()} with
 * {@code import static io.discordination.ops.Ops.*}. Every call goes to the current context, set
 * for a scope; this is the library's only global state.
 *
 * <pre>{@code
 * try (var scope = Ops.use(OpsContext.open("local"))) {
 *     ecs("api").forceRedeploy().awaitStable(minutes(10));
 * }
 * }</pre>
 */
public final class Ops {
    private static final AtomicReference<OpsContext> CURRENT = new AtomicReference<>();

    private Ops() {
    }

    /** Makes {@code context} current until the returned scope closes, which restores the previous one. */
    public static Scope use(OpsContext context) {
        return new Scope(CURRENT.getAndSet(context));
    }

    /** The current context, or an error saying how to open one. */
    public static OpsContext context() {
        OpsContext ctx = CURRENT.get();
        if (ctx == null || ctx.isClosed()) {
            throw new OpsException("No OpsContext is open. Open one: try (var scope = Ops.use(OpsContext.open(\"local\"))) { ... }");
        }
        return ctx;
    }

    public static Environment environment() {
        return context().environment();
    }

    public static Duration seconds(long n) { return Duration.ofSeconds(n); }
    public static Duration minutes(long n) { return Duration.ofMinutes(n); }
    public static Duration hours(long n) { return Duration.ofHours(n); }
    public static Duration days(long n) { return Duration.ofDays(n); }

    // --- AWS handles ---
    /** An ECS service of the current environment: {@code ecs("api").forceRedeploy().awaitStable(minutes(10))}. */
    public static io.discordination.ops.ecs.EcsService ecs(String service) { return context().ecs(service); }

    /** The current environment's ECS cluster: {@code ecs().runTask("migrate").awaitStopped(minutes(15))}. */
    public static io.discordination.ops.ecs.EcsCluster ecs() { return context().ecs(); }

    /** A log group: {@code logs("api").tail(minutes(10))}, {@code logs("api").filter("429", hours(1))}. */
    public static io.discordination.ops.logs.LogGroup logs(String name) { return context().logs(name); }

    /** The RDS instance: {@code rds().snapshot()}, {@code rds().restore(id).as("discordination-restore").start()}. */
    public static io.discordination.ops.rds.RdsInstance rds() { return context().rds(); }

    /** CloudWatch metrics: {@code metrics().memoryUtilization("gateway", hours(1))}. */
    public static io.discordination.ops.metrics.CloudWatchMetrics metrics() { return context().metrics(); }

    /** The file bucket: {@code bucket().usage()}, {@code bucket().restoreDeleted(key)}. */
    public static io.discordination.ops.s3.Bucket bucket() { return context().bucket(); }

    /** The WAF block list: {@code waf().block("203.0.113.7")}. */
    public static io.discordination.ops.waf.WafIpSet waf() { return context().waf(); }

    /** A secret: {@code secret("jwt-secret").rotate()}. */
    public static io.discordination.ops.secrets.SecretsManagerSecret secret(String name) { return context().secret(name); }
    // --- data-plane handles ---
    /** The current environment's Redis: {@code redis().deleteMatching("api:cache:*")}. */
    public static io.discordination.ops.redis.Redis redis() { return context().redis(); }

    /** The current environment's PostgreSQL: {@code postgres().terminateIdle(minutes(10))}. */
    public static io.discordination.ops.postgres.Postgres postgres() { return context().postgres(); }

    /** One user's account: {@code account(userId).lockDown()}. */
    public static io.discordination.ops.account.Account account(String userId) { return context().account(userId); }

    /** The current environment's LiveKit: {@code livekit().room("voice:" + channelId).remove(userId)}. */
    public static io.discordination.ops.livekit.LiveKit livekit() { return context().livekit(); }

    /** Restores the previous context when closed. Does not close the context it made current. */
    public static final class Scope implements AutoCloseable {
        private final OpsContext previous;

        private Scope(OpsContext previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            CURRENT.set(previous);
        }
    }
}
