package io.discordination.ops.runbook;

import io.discordination.ops.gate.CommandTemplate;

import java.time.Duration;
import java.util.List;

/**
 * One step of a runbook. {@code check} reads, {@code action} changes things through the Gate,
 * {@code advice} is an instruction shown to the operator and never executed, {@code verify} polls
 * a condition until it holds or {@code timeout} passes. {@code commands} are a read step's equivalent
 * shell commands, with {@code ${env.path}} and {@code ${param}} placeholders, for plans and docs; an
 * action has none of its own: {@code templates} names the command templates of the effects it applies,
 * which docs show and whose rendered commands the plan and the run show.
 *
 * <pre>{@code step.kind() == Step.Kind.ACTION}</pre>
 */
public record Step(int number, Kind kind, String title, List<String> commands, List<CommandTemplate> templates, String text,
                   StepBody body, Condition condition, Duration timeout, Duration interval) {

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
        templates = List.copyOf(templates);
    }

    /**
     * What describe and the docs show for the step: its read commands rendered by {@code commands}, then the
     * templates of its effects as written, with {@code <name>} placeholders.
     */
    public List<String> shownCommands(StepCommands renderer) {
        List<String> shown = new java.util.ArrayList<>();
        this.commands.forEach(c -> shown.add(renderer.render(c)));
        templates.forEach(t -> shown.add(t.text()));
        return shown;
    }

    /** The identity that resume compares: kind and title. */
    public String key() {
        return kind.label() + ":" + title;
    }
}
