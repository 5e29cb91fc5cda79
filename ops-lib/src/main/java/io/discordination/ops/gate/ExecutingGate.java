package io.discordination.ops.gate;

import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;
import io.discordination.ops.env.Environment;
import io.discordination.ops.registry.LeaseTargets;
import io.discordination.ops.registry.RunLeases;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The gate of a run: carries effects out. A destructive effect is confirmed first ({@link Confirmer});
 * the audit log gets a "started" line on disk before the effect's code runs and an "ok" or "failed"
 * line after it. With {@link RunLeases}, the run takes the lease of an effect's target
 * ({@link LeaseTargets}) before the effect and keeps it until the run ends; an effect whose target
 * another run holds is refused (or waited for), and once the run lost a lease its next effect is
 * refused. A refusal changes nothing and is audited; its hint names the effects this gate already
 * applied, or says that nothing was changed. Each record is handed to the {@link CentralTrail}
 * after the effect; when the environment requires the central trail, a destructive effect's records
 * so far (its "started" line included) must reach it before the effect's code runs, or the effect is refused.
 *
 * <pre>{@code
 * Gate gate = new ExecutingGate(environment, Confirmer.terminal(false), audit, redactor, runId, identity, leases);
 * }</pre>
 */
public final class ExecutingGate implements Gate {
    private final Environment environment;
    private final Confirmer confirmer;
    private final AuditLog audit;
    private final Redactor redactor;
    private final String runId;
    private final Supplier<String> awsIdentity;
    private final Plan plan = new Plan();
    private final RunLeases leases;
    private final CentralTrail trail;
    private final EffectGuard guard;
    private final List<Effect> applied = new CopyOnWriteArrayList<>();
    /** The effect whose code is running, for {@link #interrupted}: at most one, effects run one after another. */
    private volatile InFlight inFlight;

    private record InFlight(Effect effect, Operator who, long startNanos) {
    }

    /** With {@code leases}, the run leases each effect's target before it ({@link RunLeases}); null leases nothing. */
    public ExecutingGate(Environment environment, Confirmer confirmer, AuditLog audit, Redactor redactor,
                         String runId, Supplier<String> awsIdentity, RunLeases leases) {
        this(environment, confirmer, audit, redactor, runId, awsIdentity, leases, CentralTrail.NONE);
    }

    /** As above; every record then goes on to {@code trail} ({@link CentralTrail#NONE}: none). */
    public ExecutingGate(Environment environment, Confirmer confirmer, AuditLog audit, Redactor redactor,
                         String runId, Supplier<String> awsIdentity, RunLeases leases, CentralTrail trail) {
        this(environment, confirmer, audit, redactor, runId, awsIdentity, leases, trail, EffectGuard.NONE);
    }

    /** As above; {@code guard} is asked about every effect first, and one it refuses is audited and refused. */
    public ExecutingGate(Environment environment, Confirmer confirmer, AuditLog audit, Redactor redactor,
                         String runId, Supplier<String> awsIdentity, RunLeases leases, CentralTrail trail, EffectGuard guard) {
        this.trail = Objects.requireNonNull(trail, "trail");
        this.guard = guard == null ? EffectGuard.NONE : guard;
        this.environment = Objects.requireNonNull(environment, "environment");
        this.confirmer = Objects.requireNonNull(confirmer, "confirmer");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.runId = runId;
        this.awsIdentity = awsIdentity;
        this.leases = leases;
    }

    @Override
    public Mode mode() {
        return Mode.EXECUTE;
    }

    /** Always empty: executing plans nothing (the runner still marks each action's step on it). */
    @Override
    public Plan plan() {
        return plan;
    }

    @Override
    public AuditLog audit() {
        return audit;
    }

    @Override
    public List<Effect> applied() {
        return List.copyOf(applied);
    }

    /** Audits the refusal, then throws it. */
    @Override
    public OpsException refuse(Effect effect, String reason) {
        Objects.requireNonNull(effect, "effect");
        appendAndShip(record("refused", Operator.osUser(), effect, reason, null));
        throw Refusals.refused(effect, reason, environment.name(), applied, redactor);
    }

    @Override
    public boolean asksBeforeDestructive() {
        return confirmer.isInteractive() && !confirmer.assumesYes();
    }

    /** Takes the lease of the effect's target, confirms a destructive effect, audits it and performs it; {@code planned} is not used. */
    @Override
    public <T> T apply(Effect effect, Action<T> action, Supplier<? extends T> planned) {
        return apply(effect, action, planned, null);
    }

    /** As {@link #apply(Effect, Action, Supplier)}; the "ok" audit line also carries the inverse {@code undo} builds. */
    @Override
    public <T> T apply(Effect effect, Action<T> action, Supplier<? extends T> planned,
                       java.util.function.Function<? super T, Effect> undo) {
        Objects.requireNonNull(effect, "effect");
        Operator who = operatorFor(effect);
        String guarded = guard.refusal(effect.redacted(redactor));
        if (guarded != null) {
            appendAndShip(record("refused", who, effect, guarded, null));
            throw Refusals.refused(effect, guarded, environment.name(), applied, redactor);
        }
        if (leases != null) {
            // the lease first: nobody is asked to confirm an effect another run's lease refuses
            Effect shown = effect.redacted(redactor);
            String target = LeaseTargets.of(shown);
            try {
                if (target != null) leases.take(target, shown.summary());
                leases.requireHeld(shown.summary());
            } catch (OpsException.RefusedException busy) {
                appendAndShip(record("refused", who, effect, busy.what(), null));
                throw OpsException.builder(busy.what()).environment(environment.name())
                        .hint(busy.hint() + "; " + Refusals.whatChanged(applied)).refused();
            }
        }
        if (effect.destructive()) {
            Confirmer.Decision decision = confirmer.decide(effect.redacted(redactor), environment, undoLine(effect, undo != null));
            if (!decision.approved()) {
                appendAndShip(record("refused", who, effect, decision.reason(), null));
                throw Refusals.refused(effect, decision.reason(), environment.name(), applied, redactor);
            }
        }
        return perform(effect, action, who, undo);
    }

    private <T> T perform(Effect effect, Action<T> action, Operator who, java.util.function.Function<? super T, Effect> undo) {
        audit.append(record("started", who, effect, null, null));
        if (effect.destructive() && trail.required()) {
            try {
                trail.shipNow();
            } catch (CentralTrail.Unavailable unavailable) {
                String reason = "the central audit trail cannot be written and environment " + environment.name()
                        + " requires it (audit.requireCentral): " + unavailable.getMessage();
                audit.append(record("refused", who, effect, reason, null));
                throw Refusals.refused(effect, reason, environment.name(), applied, redactor);
            }
        }
        applied.add(effect.redacted(redactor));
        long start = System.nanoTime();
        inFlight = new InFlight(effect, who, start);
        try {
            T result = action.run();
            inFlight = null;
            Effect inverse = inverseOf(undo, result);
            appendAndShip(new AuditLog.Record(Instant.now(), "ok", runId, environment.name(), who, effect, null,
                    elapsedMs(start), inverse));
            return result;
        } catch (Exception | Error e) {
            inFlight = null;
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            appendAndShip(record("failed", who, effect, reason, elapsedMs(start)));
            if (e instanceof OpsException ops) throw ops;
            if (e instanceof Error error) throw error;
            throw OpsException.builder(redactor.redact(effect.summary()) + " failed: " + redactor.redact(reason))
                    .environment(environment.name()).cause(e).build();
        }
    }

    /** The inverse {@code undo} builds from {@code result}; null when there is none or it cannot be built, as the effect is done either way. */
    private static <T> Effect inverseOf(java.util.function.Function<? super T, Effect> undo, T result) {
        if (undo == null) return null;
        try {
            return undo.apply(result);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The prompt's undo line: whether ops undo can reverse the effect once it has run (the plan says the same). */
    private String undoLine(Effect effect, boolean undoable) {
        String inverse = effect.inverse() == null ? null : redactor.redact(effect.inverse());
        if (undoable) return "ops undo " + runId + " reverses it" + (inverse == null ? "" : ": " + inverse);
        return inverse == null ? "cannot be undone" : "not by ops undo; by hand: " + inverse;
    }

    /** Writes an "interrupted" audit record for the effect in flight, if any. */
    @Override
    public String interrupted(String reason) {
        InFlight running = inFlight;
        if (running == null) return null;
        inFlight = null;
        appendAndShip(record("interrupted", running.who(), running.effect(), reason, elapsedMs(running.startNanos())));
        return redactor.redact(running.effect().summary());
    }

    /** Spools {@code record}, then lets the central trail ship it in the background. */
    private void appendAndShip(AuditLog.Record record) {
        audit.append(record);
        trail.shipSoon();
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
