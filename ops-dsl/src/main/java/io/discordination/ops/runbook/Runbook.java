package io.discordination.ops.runbook;

import io.discordination.ops.OpsException;
import io.discordination.ops.Secret;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A declared runbook: what a {@code .jsh} or {@code .groovy} script produces, the same object from
 * either. It does nothing by itself; {@link RunbookRunner} plans or runs it.
 *
 * <pre>{@code Runbook rb = RunbookLoader.standard().load(Path.of("runbooks/api-not-responding.jsh"));}</pre>
 */
public record Runbook(String name, String title, String section, String symptoms, List<Parameter> parameters,
                      List<Step> steps, ScriptSource source, List<Policy> policies) {

    public Runbook {
        parameters = List.copyOf(parameters);
        steps = List.copyOf(steps);
        policies = policies == null ? List.of() : List.copyOf(policies);
    }

    public Runbook(String name, String title, String section, String symptoms, List<Parameter> parameters,
                   List<Step> steps, ScriptSource source) {
        this(name, title, section, symptoms, parameters, steps, source, List.of());
    }

    public Optional<Parameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<Step> step(String title) {
        return steps.stream().filter(s -> s.title().equals(title)).findFirst();
    }

    /**
     * Checks every given value against its parameter and fills in defaults; the typed values in
     * declaration order. The first problem is an {@link OpsException.InvalidInputException} (exit 2)
     * of one line; nothing has run.
     */
    public Map<String, Object> bind(Map<String, String> given) {
        for (String key : given.keySet()) {
            if (parameter(key).isEmpty()) {
                List<String> known = new ArrayList<>();
                parameters.forEach(p -> known.add(p.name()));
                throw OpsException.builder("unknown parameter '" + key + "' for runbook " + name + "; "
                        + (known.isEmpty() ? "it takes no parameters" : "it takes: " + String.join(", ", known))).invalidInput();
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            String raw = given.get(p.name());
            if (raw == null) raw = p.defaultValue();
            if (raw == null) {
                if (p.isRequired()) throw p.missing();
                values.put(p.name(), null);
            } else {
                values.put(p.name(), p.parse(raw));
            }
        }
        return values;
    }

    /** The values as text for journals and reports: secrets as {@code ****}. */
    public Map<String, String> shown(Map<String, Object> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            boolean secret = parameter(k).map(Parameter::isSecret).orElse(false);
            out.put(k, v == null ? null : secret || v instanceof Secret ? Secret.MASK : text(v));
        });
        return out;
    }

    private static String text(Object v) {
        if (v instanceof java.time.Duration d) return io.discordination.ops.text.Durations.format(d);
        if (v instanceof List<?> l) return String.join(",", l.stream().map(String::valueOf).toList());
        return String.valueOf(v);
    }

    @Override
    public String toString() {
        return name + " (" + title + ", " + steps.size() + " steps)";
    }
}
