package io.discordination.ops.gate;

/** What a {@link Gate} does with an effect: carry it out ({@link ExecutingGate}), or record it into the plan ({@link PlanningGate}). */
public enum Mode {
    EXECUTE,
    DRY_RUN
}
