package io.discordination.ops.runbook;

import io.discordination.ops.Ops;

/**
 * The runbook DSL's static entry points, imported by both runners' preambles next to {@code Ops.*}
 * and {@code Parameter.*}: {@code runbook(...)} declares; inside a step, {@code param(...)} reads a
 * parameter of the current run and {@code result(...)} what an earlier step returned. Both read
 * the run of the current {@code OpsContext}.
 *
 * <pre>{@code
 * runbook("kick-voice-user", "Kick User from Voice")
 *     .param(channelId("channel")).param(userId("user"))
 *     .action("Remove the participant", () -> livekit().room("voice:" + param("channel")).remove(param("user")));
 * }</pre>
 */
public final class Runbooks {
    private Runbooks() {
    }

    /** Declares a runbook; the script's runner takes the one it declares. */
    public static RunbookSpec runbook(String name, String title) {
        return new RunbookSpec(name, title);
    }

    /** Declares a runbook whose title comes later ({@code title 'Flush Redis Cache'} in Groovy). */
    public static RunbookSpec runbook(String name) {
        return new RunbookSpec(name, null);
    }

    /**
     * The typed value of a parameter in the current run: {@code String}, {@code Integer},
     * {@code Duration}, {@code Boolean}, {@code List} (for {@code many()}), {@code Secret}; null for
     * an optional parameter left out. See {@link Parameter}.
     */
    @SuppressWarnings("unchecked")
    public static <T> T param(String name) {
        return (T) RunState.of(Ops.context()).parameter(name);
    }

    /** What the earlier step titled {@code stepTitle} returned in the current run (null if it returned nothing). */
    @SuppressWarnings("unchecked")
    public static <T> T result(String stepTitle) {
        return (T) RunState.of(Ops.context()).result(stepTitle);
    }
}
