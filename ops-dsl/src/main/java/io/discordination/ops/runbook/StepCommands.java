package io.discordination.ops.runbook;

import io.discordination.ops.env.Environment;
import io.discordination.ops.text.ShellWords;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills the equivalent command of a read step (a check or a verify) with real names; an action's
 * command comes from its effects ({@link io.discordination.ops.gate.CommandTemplate}). {@code ${name}} is a parameter of the
 * runbook when one has that name (its value, or {@code <name>} in docs), else a setting of the
 * environment ({@code ${ecs.cluster}} is {@code discordination-prod}). Secrets show as {@code ****}
 * and settings whose variable is not set as {@code $VAR}, the way the seed runbook writes them.
 * A {@code $VAR} written directly stays as it is. Values are quoted as shell words ({@link ShellWords}).
 *
 * <pre>{@code StepCommands.of(env, Map.of()).render("aws ecs describe-services --cluster ${ecs.cluster} --services api")}</pre>
 */
public final class StepCommands {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_.-]*)}");
    private static final Pattern UNSET = Pattern.compile("<unset: ([^>]*)>");

    private final Map<String, String> settings;
    private final Map<String, String> parameters;

    private StepCommands(Map<String, String> settings, Map<String, String> parameters) {
        this.settings = settings;
        this.parameters = parameters;
    }

    /**
     * Against {@code environment} (null: placeholders of settings stay as written) with the
     * parameters' shown values (a missing or null value renders as {@code <name>}).
     */
    public static StepCommands of(Environment environment, Map<String, String> parameters) {
        Map<String, String> settings = environment == null ? Map.of() : environment.describe();
        return new StepCommands(settings, parameters == null ? Map.of() : new LinkedHashMap<>(parameters));
    }

    /**
     * For docs and {@code describe}: parameters show their defaults (else {@code <name>}); {@code environment}
     * should be read with no shell variables, so the result never depends on who renders it.
     */
    public static StepCommands forDocs(Environment environment, List<Parameter> parameters) {
        Map<String, String> names = new LinkedHashMap<>();
        // a parameter shows its default, as the operator would get it, else <name>
        parameters.forEach(p -> names.put(p.name(), p.defaultValue() == null ? null : p.isSecret() ? io.discordination.ops.Secret.MASK : p.defaultValue()));
        return of(environment, names);
    }

    public String render(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(value(m.group(1), m.group())));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private String value(String key, String original) {
        if (parameters.containsKey(key)) {
            String v = parameters.get(key);
            return v == null ? "<" + key + ">" : shellWord(v);
        }
        String setting = settings.get(key);
        if (setting == null) return original;
        Matcher unset = UNSET.matcher(setting);
        if (unset.matches()) {
            List<String> vars = new ArrayList<>();
            for (String v : unset.group(1).split(",\\s*")) vars.add("$" + v);
            return String.join(" ", vars);
        }
        return shellWord(setting);
    }

    /** A value as one shell word, so that what was typed as a parameter can never become a second command. */
    private static String shellWord(String value) {
        // a masked secret stays readable as a mask; it is not something to paste anyway
        return value.contains(io.discordination.ops.Secret.MASK) ? value : ShellWords.quote(value);
    }

    /** Placeholders in {@code template} that are neither a parameter nor a setting: for {@code ops check}. */
    public List<String> unknownPlaceholders(String template) {
        List<String> unknown = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!parameters.containsKey(m.group(1)) && !settings.containsKey(m.group(1))) unknown.add(m.group());
        }
        return unknown;
    }
}
