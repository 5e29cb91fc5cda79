package io.discordination.ops.gate;

import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The gate of a plan (dry run): each effect goes into the {@link Plan}, redacted, with the step that
 * asked for it; its code never runs and the verb's planned result is returned. Nothing is confirmed,
 * locked or audited, since nothing changes; read verbs still run, so the plan shows resolved targets.
 *
 * <pre>{@code
 * Gate gate = new PlanningGate("prod", audit, redactor);
 * }</pre>
 */
public final class PlanningGate implements Gate {
    private final String environment;
    private final AuditLog audit;
    private final Redactor redactor;
    private final Plan plan = new Plan();

    /** A plan in {@code environment}; {@code audit} is the environment's log, which a plan reads but never writes. */
    public PlanningGate(String environment, AuditLog audit, Redactor redactor) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    /** Adds {@code effect} to the plan and returns what {@code planned} supplies; {@code action} is not run. */
    @Override
    public <T> T apply(Effect effect, Action<T> action, Supplier<? extends T> planned) {
        Objects.requireNonNull(effect, "effect");
        plan.add(effect.redacted(redactor));
        return planned == null ? null : planned.get();
    }

    /** As {@link #apply(Effect, Action, Supplier)}, the plan noting that {@code ops undo} can reverse the effect. */
    @Override
    public <T> T apply(Effect effect, Action<T> action, Supplier<? extends T> planned,
                       java.util.function.Function<? super T, Effect> undo) {
        Objects.requireNonNull(effect, "effect");
        plan.add(effect.redacted(redactor), undo != null);
        return planned == null ? null : planned.get();
    }

    @Override
    public Mode mode() {
        return Mode.DRY_RUN;
    }

    @Override
    public Plan plan() {
        return plan;
    }

    @Override
    public AuditLog audit() {
        return audit;
    }

    /** Always empty: a plan applies nothing. */
    @Override
    public List<Effect> applied() {
        return List.of();
    }

    /** Throws the refusal; a plan audits nothing. */
    @Override
    public OpsException refuse(Effect effect, String reason) {
        Objects.requireNonNull(effect, "effect");
        throw Refusals.refused(effect, reason, environment, List.of(), redactor);
    }

    /** False: a plan asks nothing. */
    @Override
    public boolean asksBeforeDestructive() {
        return false;
    }

    /** Null: no effect's code runs in a plan. */
    @Override
    public String interrupted(String reason) {
        return null;
    }
}
