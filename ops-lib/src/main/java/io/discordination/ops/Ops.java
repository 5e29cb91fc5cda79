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
    // --- data-plane handles ---

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
