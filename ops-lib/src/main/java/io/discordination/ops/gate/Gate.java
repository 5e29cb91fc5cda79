package io.discordination.ops.gate;

import io.discordination.ops.OpsException;

import java.util.List;
import java.util.function.Supplier;

/**
 * The single port for every side effect. A mutating verb describes its {@link Effect} and hands it
 * here with the code that performs it; what happens then depends on the implementation:
 * <ul>
 *   <li>{@link ExecutingGate} (a run): a destructive effect is confirmed first ({@link Confirmer}),
 *       the effect's target is locked, the audit log gets a "started" line on disk before the code
 *       runs and an "ok" or "failed" line after it;</li>
 *   <li>{@link PlanningGate} (a plan, dry run): the effect goes into the {@link Plan}, the code does
 *       not run, the planned result is returned;</li>
 *   <li>{@link RecordingGate} (unit tests): every effect is kept in order, and either planned or run
 *       as the test chose, with no confirmation, lock or audit.</li>
 * </ul>
 * A refusal changes nothing and throws {@link OpsException.RefusedException}; its hint names the
 * effects this gate already applied, or says that nothing was changed.
 *
 * <pre>{@code
 * return gate.apply(effect, () -> ecs.updateService(request), () -> Deployment.planned(service));
 * }</pre>
 */
public interface Gate {
    /** The code that performs an effect. */
    @FunctionalInterface
    interface Action<T> {
        T run() throws Exception;
    }

    /**
     * Plans or performs {@code effect}. Returns what {@code action} returned, or when planning what
     * {@code planned} supplies (a result that says it was planned, with the resolved targets; null
     * {@code planned} gives null).
     */
    <T> T apply(Effect effect, Action<T> action, Supplier<? extends T> planned);

    /**
     * Like {@link #apply}, for an effect that can be reversed: once {@code action} has succeeded,
     * {@code undo} builds the inverse as an effect of its own from what the action did (the exact
     * addresses it added, the version it created), or returns null when there is nothing to undo.
     * An executing gate records that inverse in the effect's "ok" audit line, where {@code ops undo}
     * finds it; other gates ignore it.
     *
     * <pre>{@code gate.apply(effect, () -> update(...), () -> planned, done -> Effect.on(...).verb("unblock")...build());}</pre>
     */
    default <T> T apply(Effect effect, Action<T> action, Supplier<? extends T> planned,
                        java.util.function.Function<? super T, Effect> undo) {
        return apply(effect, action, planned);
    }

    /** Whether this gate carries effects out or only plans them. */
    Mode mode();

    default boolean isDryRun() {
        return mode() == Mode.DRY_RUN;
    }

    /** The effects planned so far, each with the runbook step that asked for it; stays empty while executing. */
    Plan plan();

    /** The environment's audit log, which an executing gate appends to; planning writes nothing to it. */
    AuditLog audit();

    /** The effects this gate started (redacted), oldest first: what a run that stops has already changed. */
    List<Effect> applied();

    /**
     * Refuses {@code effect} for {@code reason} without performing it: a policy checked before a run
     * starts. An executing gate audits the refusal; every gate throws {@link OpsException.RefusedException}
     * (the return type lets a caller write {@code throw gate.refuse(...)}).
     */
    OpsException refuse(Effect effect, String reason);

    /**
     * True when a destructive effect will be put to a person at a prompt (executing, a terminal, no
     * {@code --yes}): a verb may then resolve what it would touch first, so that the prompt shows it.
     */
    boolean asksBeforeDestructive();

    /**
     * For a process that is being stopped (Ctrl-C): ends the effect in flight, if any (an executing
     * gate writes an "interrupted" audit record, so that its "started" line is not left open).
     * Returns that effect's summary, or null when none was running.
     */
    String interrupted(String reason);
}
