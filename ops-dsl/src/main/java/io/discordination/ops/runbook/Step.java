package io.discordination.ops.runbook;

import java.time.Duration;
import java.util.List;

/**
 * One step of a runbook. {@code check} reads, {@code action} changes things through the Gate,
 * {@code advice} is an instruction shown to the operator and never executed, {@code verify} polls
 * a condition until it holds or {@code timeout} passes. {@code commands} are the equivalent shell
 * commands, with {@code ${env.path}} and {@code ${param}} placeholders, for plans and docs.
 *
 * <pre>{@code step.kind() == Step.Kind.ACTION}</pre>
 */
public record Step(int number, Kind kind, String title, List<String> commands, String text, StepBody body,
                   Condition condition, Duration timeout, Duration interval) {

    /** The four kinds of step. */
    public enum Kind {
        CHECK, ACTION, ADVICE, VERIFY;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    public Step {
        commands = List.copyOf(commands);
    }

    /** The identity that resume compares: kind and title. */
    public String key() {
        return kind.label() + ":" + title;
    }
}
