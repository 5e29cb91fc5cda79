package io.discordination.ops.gate;

import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A gate for unit tests: keeps every effect it is handed, in order, exactly as the verb built it,
 * and either plans it ({@link #planning()}: the planned result is returned, the code does not run)
 * or runs its code ({@link #running()}), as the test chose. Nothing is confirmed, locked or audited
 * and nothing is written to disk, so a handle can be tested against stub clients in milliseconds;
 * what the gate itself promises (confirmation, audit, locks) is tested on {@link ExecutingGate}.
 *
 * <pre>{@code
 * RecordingGate gate = RecordingGate.planning();
 * service.forceRedeploy();                       // a handle built with this gate
 * assertThat(gate.only().verb()).isEqualTo("force-redeploy");
 * }</pre>
 */
public final class RecordingGate implements Gate {
    /** A refusal through {@link #refuse}: the effect and the reason given. */
    public record Refusal(Effect effect, String reason) {
    }

    private static final String ENVIRONMENT = "recording";

    private final boolean runs;
    private final Redactor redactor = new Redactor();
    private final Plan plan = new Plan();
    private final List<Effect> effects = new CopyOnWriteArrayList<>();
    private final List<Effect> applied = new CopyOnWriteArrayList<>();
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private volatile Effect inFlight;

    private RecordingGate(boolean runs) {
        this.runs = runs;
    }

    /** Records each effect into the plan and returns the verb's planned result; no effect's code runs. */
    public static RecordingGate planning() {
        return new RecordingGate(false);
    }

    /** Records each effect and runs its code at once, as an executing gate would after an operator said yes. */
    public static RecordingGate running() {
        return new RecordingGate(true);
    }

    @Override
    public <T> T apply(Effect effect, Action<T> action, Supplier<? extends T> planned) {
        Objects.requireNonNull(effect, "effect");
        effects.add(effect);
        if (!runs) {
            plan.add(effect.redacted(redactor));
            return planned == null ? null : planned.get();
        }
        applied.add(effect.redacted(redactor));
        inFlight = effect;
        try {
            return action.run();
        } catch (OpsException | Error e) {
            throw e;
        } catch (Exception e) {
            // as an executing gate reports it, so a handle's error handling is tested as it runs
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw OpsException.builder(redactor.redact(effect.summary()) + " failed: " + redactor.redact(reason))
                    .environment(ENVIRONMENT).cause(e).build();
        } finally {
            inFlight = null;
        }
    }

    @Override
    public Mode mode() {
        return runs ? Mode.EXECUTE : Mode.DRY_RUN;
    }

    /** The planned effects (redacted) when {@link #planning()}; empty when {@link #running()}. */
    @Override
    public Plan plan() {
        return plan;
    }

    /** A recording gate keeps no audit log: assert on {@link #effects()} instead. */
    @Override
    public AuditLog audit() {
        throw new UnsupportedOperationException("a RecordingGate writes no audit log; assert on effects() instead");
    }

    /** The effects whose code ran (redacted), oldest first; empty when {@link #planning()}. */
    @Override
    public List<Effect> applied() {
        return List.copyOf(applied);
    }

    /** Records the refusal ({@link #refusals()}) and throws it, as every gate does. */
    @Override
    public OpsException refuse(Effect effect, String reason) {
        Objects.requireNonNull(effect, "effect");
        refusals.add(new Refusal(effect, reason));
        throw Refusals.refused(effect, reason, ENVIRONMENT, applied, redactor);
    }

    /** False: no one is asked. */
    @Override
    public boolean asksBeforeDestructive() {
        return false;
    }

    @Override
    public String interrupted(String reason) {
        Effect running = inFlight;
        inFlight = null;
        return running == null ? null : redactor.redact(running.summary());
    }

    // --- for assertions ---

    /** Every effect handed to {@link #apply}, oldest first, as the verb built it (not redacted: a {@code Secret} parameter is still one). */
    public List<Effect> effects() {
        return List.copyOf(effects);
    }

    /** The one effect recorded; fails, listing what was recorded, when there were none or several. */
    public Effect only() {
        List<Effect> all = effects();
        if (all.size() != 1) throw new AssertionError("expected exactly one effect, recorded " + describe(all));
        return all.get(0);
    }

    /** The one effect recorded with {@code verb}; fails, listing what was recorded, when there were none or several. */
    public Effect only(String verb) {
        List<Effect> matching = withVerb(verb);
        if (matching.size() != 1) {
            throw new AssertionError("expected exactly one " + verb + " effect, recorded " + describe(effects()));
        }
        return matching.get(0);
    }

    /** The newest effect recorded; fails when there is none. */
    public Effect last() {
        List<Effect> all = effects();
        if (all.isEmpty()) throw new AssertionError("expected an effect, recorded none");
        return all.get(all.size() - 1);
    }

    /** The recorded effects with {@code verb}, oldest first. */
    public List<Effect> withVerb(String verb) {
        return effects().stream().filter(e -> e.verb().equals(verb)).toList();
    }

    /** Each recorded effect's one-line summary ({@code force-redeploy ecs service c/api}), oldest first. */
    public List<String> summaries() {
        return effects().stream().map(Effect::summary).toList();
    }

    /** Whether no effect was handed in. */
    public boolean isEmpty() {
        return effects.isEmpty();
    }

    /** The refusals asked for through {@link #refuse}, oldest first. */
    public List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    private static String describe(List<Effect> effects) {
        if (effects.isEmpty()) return "none";
        return effects.size() + ": " + String.join("; ", effects.stream().map(Effect::toString).toList());
    }

    @Override
    public String toString() {
        return "RecordingGate[" + (runs ? "running" : "planning") + ", " + effects.size() + " effect(s)]";
    }
}
