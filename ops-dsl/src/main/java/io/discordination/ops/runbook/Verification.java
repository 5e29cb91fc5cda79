package io.discordination.ops.runbook;

import io.discordination.ops.text.Durations;

import java.time.Duration;

/**
 * What a verify step found: that its condition held, after how many attempts and how long.
 *
 * <pre>{@code Verification v = result("API is healthy again");  v.attempts()}</pre>
 */
public record Verification(String condition, int attempts, Duration elapsed) {
    @Override
    public String toString() {
        return "held after " + attempts + (attempts == 1 ? " attempt" : " attempts") + " in " + Durations.format(elapsed);
    }
}
