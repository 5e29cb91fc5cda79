package io.discordination.ops.gate;

/**
 * A rule an executing gate checks for every effect before it is confirmed or performed: the
 * saved plan an {@code ops apply} runs (an effect that is not in it is refused), or an
 * environment's approvals policy (a destructive effect outside an approved plan is refused).
 * A refusal is audited and changes nothing.
 *
 * <pre>{@code EffectGuard guard = effect -> effect.destructive() ? "it needs an approved plan" : null;}</pre>
 */
@FunctionalInterface
public interface EffectGuard {
    /** Lets every effect through. */
    EffectGuard NONE = effect -> null;

    /** Null when {@code effect} (redacted) may go ahead, else why it is refused. */
    String refusal(Effect effect);
}
