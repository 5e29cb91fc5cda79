package io.discordination.ops.gate;

import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;
import io.discordination.ops.env.Environment;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The single port for every side effect. A mutating verb describes its {@link Effect} and hands it
 * here with the code that performs it:
 * <ul>
 *   <li>dry-run: the effect goes into the {@link Plan}, the code does not run, the planned result is returned;</li>
 *   <li>execute: a destructive effect is confirmed first ({@link Confirmer}); the audit log gets a
 *       "started" line on disk before the code runs and an "ok" or "failed" line after it.</li>
 * </ul>
 * A refusal changes nothing and throws {@link OpsException.RefusedException}; its hint names the
 * effects this gate already applied, or says that nothing was changed. With {@link TargetLocks},
 * an effect holds its target's lock while it runs, and one whose target another run holds is refused.
 *
 * <pre>{@code
 * return gate.apply(effect, () -> ecs.updateService(request), () -> Deployment.planned(service));
 * }</pre>
 */
public final class Gate {
    /** The code that performs an effect. */
    @FunctionalInterface
    public interface Action<T> {
        T run() throws Exception;
    }

    private final Mode mode;
    private final Environment environment;
    private final Confirmer confirmer;
    private final AuditLog audit;
    private final Redactor redactor;
    private final String runId;
    private final Supplier<String> awsIdentity;
    private final Plan plan = new Plan();
    private final TargetLocks locks;
    private final List<Effect> applied = new CopyOnWriteArrayList<>();
    /** The effect whose code is running, for {@link #interrupted}: at most one, effects run one after another. */
    private volatile InFlight inFlight;

    private record InFlight(Effect effect, Operator who, long startNanos) {
    }

    public Gate(Mode mode, Environment environment, Confirmer confirmer, AuditLog audit, Redactor redactor,
                String runId, Supplier<String> awsIdentity) {
        this(mode, environment, confirmer, audit, redactor, runId, awsIdentity, null);
    }

    /** With {@code locks}, each effect holds its target's lock while it runs ({@link TargetLocks}); null locks nothing. */
    public Gate(Mode mode, Environment environment, Confirmer confirmer, AuditLog audit, Redactor redactor,
                String runId, Supplier<String> awsIdentity, TargetLocks locks) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.confirmer = Objects.requireNonNull(confirmer, "confirmer");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.runId = runId;
        this.awsIdentity = awsIdentity;
        this.locks = locks;
    }

    public Mode mode() {
        return mode;
    }

    public boolean isDryRun() {
        return mode == Mode.DRY_RUN;
    }

    public Plan plan() {
        return plan;
    }

    public AuditLog audit() {
        return audit;
    }

    /** The effects this gate started (redacted), oldest first: what a run that stops has already changed. */
    public List<Effect> applied() {
        return List.copyOf(applied);
    }

    /**
     * Refuses {@code effect} for {@code reason} without performing it: a policy checked before a run
     * starts. Executing, the refusal is audited; either way it throws {@link OpsException.RefusedException}.
     */
    public OpsException refuse(Effect effect, String reason) {
        Objects.requireNonNull(effect, "effect");
        if (mode == Mode.EXECUTE) audit.append(record("refused", Operator.osUser(), effect, reason, null));
        throw OpsException.builder("Refused: " + redactor.redact(effect.summary()) + ": " + redactor.redact(reason))
                .environment(environment.name()).hint(whatChanged()).refused();
    }

    /**
     * True when a destructive effect will be put to a person at a prompt (executing, a terminal, no
     * {@code --yes}): a verb may then resolve what it would touch first, so that the prompt shows it.
     */
    public boolean asksBeforeDestructive() {
        return mode == Mode.EXECUTE && confirmer.isInteractive() && !confirmer.assumesYes();
    }

    /**
     * Plans or performs {@code effect}. Returns what {@code action} returned, or in dry-run what
     * {@code planned} supplies (a result that says it was planned, with the resolved targets).
     */
    public <T> T apply(Effect effect, Action<T> action, Supplier<? extends T> planned) {
        Objects.requireNonNull(effect, "effect");
        if (mode == Mode.DRY_RUN) {
            plan.add(effect.redacted(redactor));
            return planned == null ? null : planned.get();
        }
        Operator who = operatorFor(effect);
        if (effect.destructive()) {
            Confirmer.Decision decision = confirmer.decide(effect.redacted(redactor), environment);
            if (!decision.approved()) {
                audit.append(record("refused", who, effect, decision.reason(), null));
                throw OpsException.builder("Refused: " + redactor.redact(effect.summary()) + ": " + decision.reason())
                        .environment(environment.name()).hint(whatChanged()).refused();
            }
        }
        TargetLocks.Held held;
        try {
            held = locks == null ? null : locks.acquire(environment.name(), effect.redacted(redactor), runId);
        } catch (OpsException.RefusedException busy) {
            audit.append(record("refused", who, effect, busy.what(), null));
            throw OpsException.builder(busy.what()).environment(environment.name())
                    .hint(busy.hint() + "; " + whatChanged()).refused();
        }
        try (TargetLocks.Held ignored = held) {
            return perform(effect, action, who);
        }
    }

    private <T> T perform(Effect effect, Action<T> action, Operator who) {
        audit.append(record("started", who, effect, null, null));
        applied.add(effect.redacted(redactor));
        long start = System.nanoTime();
        inFlight = new InFlight(effect, who, start);
        try {
            T result = action.run();
            inFlight = null;
            audit.append(record("ok", who, effect, null, elapsedMs(start)));
            return result;
        } catch (Exception | Error e) {
            inFlight = null;
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            audit.append(record("failed", who, effect, reason, elapsedMs(start)));
            if (e instanceof OpsException ops) throw ops;
            if (e instanceof Error error) throw error;
            throw OpsException.builder(redactor.redact(effect.summary()) + " failed: " + redactor.redact(reason))
                    .environment(environment.name()).cause(e).build();
        }
    }

    /** For a refusal's hint: "nothing was changed" only when it is true. */
    private String whatChanged() {
        if (applied.isEmpty()) return "nothing was changed";
        StringBuilder sb = new StringBuilder("already changed before this refusal: ");
        for (int i = 0; i < applied.size(); i++) sb.append(i == 0 ? "" : "; ").append(applied.get(i).summary());
        return sb.toString();
    }

    /**
     * For a process that is being stopped (Ctrl-C): ends the audit of the effect in flight, if
     * any, with an "interrupted" record, so that its "started" line is not left open. Returns that
     * effect's summary, or null when none was running.
     */
    public String interrupted(String reason) {
        InFlight running = inFlight;
        if (running == null) return null;
        inFlight = null;
        audit.append(record("interrupted", running.who(), running.effect(), reason, elapsedMs(running.startNanos())));
        return redactor.redact(running.effect().summary());
    }

    private Operator operatorFor(Effect effect) {
        Operator who = Operator.osUser();
        // only effects on AWS pay for the caller-identity lookup
        return "aws".equals(effect.system()) && awsIdentity != null ? who.withAws(awsIdentity.get()) : who;
    }

    private AuditLog.Record record(String event, Operator who, Effect effect, String reason, Long durationMs) {
        return new AuditLog.Record(Instant.now(), event, runId, environment.name(), who, effect, reason, durationMs);
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
