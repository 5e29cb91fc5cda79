package io.discordination.ops;

import io.discordination.ops.env.Environment;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The static facade for scripts and the REPL: {@code ecs("api").status()} with
 * {@code import static io.discordination.ops.Ops.*}. Every call goes to the current context, set
 * for a scope; this is the library's only global state.
 *
 * <p>The current context is per thread, so two runs in one JVM (an embedding service serving two
 * requests at once) never see each other's. A thread inherits the current context of the thread
 * that creates it (a step that starts its own threads), for as long as the scope that made it
 * current stays open: once that scope closes, no thread that inherited it sees the context any
 * more, open or not. A pool's threads outlive the task that created them, and whatever they
 * inherited is a stranger's to the next task; give a pool its tasks through
 * {@link #inCurrentContext(Runnable)} or {@link #propagatingExecutor(Executor)}, which run each task
 * with the submitter's context and leave the pooled thread as it was.
 *
 * <pre>{@code
 * try (var scope = Ops.use(OpsContext.open("local"))) {
 *     ecs("api").forceRedeploy().awaitStable(minutes(10));
 * }
 * }</pre>
 */
public final class Ops {
    private static final InheritableThreadLocal<Binding> CURRENT = new InheritableThreadLocal<>();

    private Ops() {
    }

    /**
     * Makes {@code context} current on this thread (and the threads it starts) until the returned
     * scope closes, which restores the context this thread had before. Close it on this thread.
     */
    public static Scope use(OpsContext context) {
        Binding binding = new Binding(context);
        Binding previous = CURRENT.get();
        CURRENT.set(binding);
        return new Scope(binding, previous, Thread.currentThread());
    }

    /** The current context, or an error saying how to open one. */
    public static OpsContext context() {
        Binding binding = CURRENT.get();
        OpsContext ctx = binding == null ? null : binding.context;
        if (ctx == null || ctx.isClosed()) {
            throw new OpsException(binding == null || binding.owner == Thread.currentThread()
                    ? "No OpsContext is open. Open one: try (var scope = Ops.use(OpsContext.open(\"local\"))) { ... }"
                    : "No OpsContext is open on thread " + Thread.currentThread().getName() + ": the scope it inherited its "
                    + "context from has closed. Hand tasks to a thread pool with Ops.inCurrentContext(task) or "
                    + "Ops.propagatingExecutor(pool), so each runs with the context of the code that submits it");
        }
        return ctx;
    }

    /**
     * {@code task}, to run on any thread (a pool's) with the context current here, now; while it runs
     * that thread sees this context, and afterwards what it saw before. Without a current context the
     * task runs with none.
     */
    public static Runnable inCurrentContext(Runnable task) {
        Binding captured = CURRENT.get();
        return () -> {
            Binding before = CURRENT.get();
            CURRENT.set(captured);
            try {
                task.run();
            } finally {
                if (before == null) CURRENT.remove();
                else CURRENT.set(before);
            }
        };
    }

    /**
     * An executor that hands every task to {@code pool} through {@link #inCurrentContext(Runnable)}:
     * each runs with the context of the thread that submitted it.
     * <pre>{@code CompletableFuture.supplyAsync(() -> redis().info("clients"), Ops.propagatingExecutor(pool))}</pre>
     */
    public static Executor propagatingExecutor(Executor pool) {
        return task -> pool.execute(inCurrentContext(task));
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

    /**
     * One {@link #use} on one thread: the context while the scope is open. Threads inherit the
     * binding, not the context, so closing the scope ends the context's visibility everywhere at once,
     * and a pooled thread keeps no reference to a context it saw.
     */
    private static final class Binding {
        private volatile OpsContext context;
        private final Thread owner = Thread.currentThread();

        private Binding(OpsContext context) {
            this.context = context;
        }
    }

    /**
     * Restores this thread's previous context when closed; threads that inherited this scope's
     * context no longer see it. Does not close the context it made current.
     */
    public static final class Scope implements AutoCloseable {
        private final Binding binding;
        private final Binding previous;
        private final Thread thread;

        private Scope(Binding binding, Binding previous, Thread thread) {
            this.binding = binding;
            this.previous = previous;
            this.thread = thread;
        }

        @Override
        public void close() {
            binding.context = null;
            // a scope closed on another thread cannot reach its own thread's slot; that slot stays ended
            if (Thread.currentThread() != thread) return;
            if (previous == null) CURRENT.remove();
            else CURRENT.set(previous);
        }
    }
}
