package io.discordination.ops.gate;

import io.discordination.ops.Redactor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A side effect, described before it happens: what it touches ({@code system}, {@code target}), what
 * it does ({@code verb}, {@code parameters}), whether it destroys something, how to undo it, and the
 * shell command an operator would type instead: {@code command} rendered with the resolved values
 * from the handle's {@link CommandTemplate}, whose text (placeholders and all) is {@code template},
 * the one runbook steps declare and the docs show. The {@link Gate} confirms, audits and plans it.
 * Parameters that are {@link io.discordination.ops.Secret}s print as {@code ****}.
 *
 * <pre>{@code
 * Effect.on("aws", "ecs service discordination-prod/api").verb("force-redeploy")
 *       .command(EcsService.FORCE_REDEPLOY.with("cluster", "discordination-prod").with("service", "api"))
 *       .destructive().build();
 * }</pre>
 */
public record Effect(String system, String target, String verb, Map<String, Object> parameters,
                     boolean destructive, String inverse, String command, String template) {

    public Effect {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(verb, "verb");
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters == null ? Map.of() : parameters));
    }

    /** Starts an effect on {@code target} of {@code system} ({@code aws}, {@code redis}, {@code postgres}, {@code livekit}). */
    public static Builder on(String system, String target) {
        return new Builder(system, target);
    }

    /** One line: {@code force-redeploy ecs service discordination-prod/api}. */
    public String summary() {
        return verb + " " + target;
    }

    /** How many values of a list parameter the plan and the prompt show; the audit record and JSON keep them all. */
    public static final int SHOWN_VALUES = 5;

    /**
     * The parameters as the plan's {@code with:} line and the confirmation prompt show them, the
     * one place they are rendered for people: {@code name=value, ...}, null values left out. A
     * list of more than {@value #SHOWN_VALUES} values (a collection, or a comma-separated value
     * without blanks such as {@code addresses}) shows its first ones and how many more, so a block
     * of thousands of addresses stays one readable line; counts after it ({@code count},
     * {@code addressesAfter}) stay in view.
     *
     * <pre>{@code Effect.parametersText(effect.parameters()); // addresses=45.33.0.1/32,...,45.33.0.5/32 … 1995 more, count=2000}</pre>
     */
    public static String parametersText(Map<String, ?> parameters) {
        StringBuilder sb = new StringBuilder();
        if (parameters == null) return "";
        parameters.forEach((k, v) -> {
            if (v == null) return;
            if (sb.length() > 0) sb.append(", ");
            sb.append(k).append('=').append(valueText(v));
        });
        return sb.toString();
    }

    /** One value as {@link #parametersText} shows it: a long list as its first {@value #SHOWN_VALUES} values and how many more. */
    public static String valueText(Object value) {
        if (value instanceof java.util.Collection<?> c) {
            if (c.size() <= SHOWN_VALUES) return String.valueOf(value);
            List<String> first = c.stream().limit(SHOWN_VALUES).map(String::valueOf).toList();
            return "[" + String.join(", ", first) + " \u2026 " + (c.size() - SHOWN_VALUES) + " more]";
        }
        String text = String.valueOf(value);
        // a comma-separated list (addresses, keys); prose with blanks is shown whole
        if (text.indexOf(',') < 0 || text.chars().anyMatch(Character::isWhitespace)) return text;
        List<String> values = java.util.Arrays.asList(text.split(",", -1));
        if (values.size() <= SHOWN_VALUES) return text;
        return String.join(",", values.subList(0, SHOWN_VALUES)) + " \u2026 " + (values.size() - SHOWN_VALUES) + " more";
    }

    /** How many characters of a command the plan, the run and the prompt show (10,000 WAF addresses make more); JSON and the audit keep it whole. */
    public static final int SHOWN_COMMAND_CHARS = 2000;

    /**
     * A command as people read it: whole up to {@value #SHOWN_COMMAND_CHARS} characters, else its start
     * ({@link #commandStart}) and how many characters were left out. The cut text cannot be pasted (an
     * {@code update-ip-set} cut short would replace the set with fewer addresses; the note makes the shell
     * refuse it): {@link CommandFile#save} keeps the whole command where a person can run it.
     *
     * <pre>{@code out.println("$ " + Effect.shownCommand(effect.command()));}</pre>
     */
    public static String shownCommand(String command) {
        if (!commandIsCut(command)) return command;
        String start = commandStart(command);
        return start + " \u2026 (" + (command.length() - start.length())
                + " more characters left out: --output json and the audit record have the whole command)";
    }

    /** Whether {@link #shownCommand} cuts {@code command}. */
    public static boolean commandIsCut(String command) {
        return command != null && command.length() > SHOWN_COMMAND_CHARS;
    }

    /**
     * The start of a cut command: at most {@value #SHOWN_COMMAND_CHARS} characters, ending before a blank so
     * its last word (an address) is whole.
     */
    public static String commandStart(String command) {
        if (!commandIsCut(command)) return command;
        int blank = command.lastIndexOf(' ', SHOWN_COMMAND_CHARS);
        return command.substring(0, blank > 0 ? blank : SHOWN_COMMAND_CHARS);
    }

    /** A copy whose text fields and parameter values have passed through {@code redactor}. */
    public Effect redacted(Redactor redactor) {
        Map<String, Object> params = new LinkedHashMap<>();
        parameters.forEach((k, v) -> params.put(k, v == null ? null
                : v instanceof Number || v instanceof Boolean ? v : redactor.redact(String.valueOf(v))));
        return new Effect(system, redactor.redact(target), redactor.redact(verb), params, destructive,
                inverse == null ? null : redactor.redact(inverse), command == null ? null : redactor.redact(command), template);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(summary());
        if (!parameters.isEmpty()) sb.append(' ').append(parameters);
        if (destructive) sb.append(" (destructive)");
        return sb.toString();
    }

    public static final class Builder {
        private final String system;
        private final String target;
        private String verb;
        private final Map<String, Object> parameters = new LinkedHashMap<>();
        private boolean destructive;
        private String inverse;
        private String command;
        private String template;

        private Builder(String system, String target) {
            this.system = system;
            this.target = target;
        }

        public Builder verb(String verb) { this.verb = verb; return this; }
        public Builder param(String name, Object value) { parameters.put(name, value); return this; }
        public Builder destructive() { this.destructive = true; return this; }
        public Builder destructive(boolean destructive) { this.destructive = destructive; return this; }
        public Builder inverse(String inverse) { this.inverse = inverse; return this; }
        /** The equivalent command: {@code values} rendered, and the template they fill. */
        public Builder command(CommandTemplate.Values values) {
            this.command = values.render();
            this.template = values.template().text();
            return this;
        }

        public Effect build() {
            return new Effect(system, target, verb, parameters, destructive, inverse, command, template);
        }
    }
}
