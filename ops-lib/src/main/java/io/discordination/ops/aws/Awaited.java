package io.discordination.ops.aws;

import io.discordination.ops.gate.Outcome;
import io.discordination.ops.text.Durations;

import java.time.Duration;

/**
 * What a waiter matched: the last state read, the condition it met, how many checks it took and
 * how long. A planned result (dry-run) made no checks.
 *
 * <pre>{@code Awaited<ServiceStatus> stable = ecs("api").forceRedeploy().awaitStable(minutes(10));}</pre>
 */
public record Awaited<T>(T result, String matched, int attempts, Duration elapsed, boolean planned) {

    public static <T> Awaited<T> planned(T result, String matched) {
        return new Awaited<>(result, matched, 0, Duration.ZERO, true);
    }

    @Override
    public String toString() {
        String head = planned
                ? Outcome.plannedText("wait until " + matched)
                : matched + " after " + attempts + (attempts == 1 ? " check" : " checks") + " in " + Durations.format(elapsed);
        return head + "\n" + (result == null ? "" : result.toString());
    }
}
