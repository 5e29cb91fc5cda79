package io.discordination.ops.gate;

/** What the {@link Gate} does with an effect: carry it out, or record it into the plan. */
public enum Mode {
    EXECUTE,
    DRY_RUN
}
