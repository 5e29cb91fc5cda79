package io.discordination.ops.topology;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One value of an environment file as it is written ({@code discordination-prod},
 * {@code ${REDIS_URL}}, {@code ${AWS_REGION:-us-east-1}}). Its variables are read when the value
 * is read, not when the file is loaded: an operator who only redeploys ECS needs no
 * {@code LK_SECRET}, and an unset one is an error naming the variable, the setting and the file.
 * {@link #toString()} shows only the setting's name, never its value.
 *
 * <pre>{@code String cluster = topology.ecs().cluster().required();}</pre>
 */
public final class Setting {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");
    private static final Setting ABSENT = new Setting(null, null, SettingSource.LITERAL);

    private final String raw;
    private final String path;
    private final SettingSource source;

    private Setting(String raw, String path, SettingSource source) {
        this.raw = raw;
        this.path = path;
        this.source = source;
    }

    /** A value written in code; {@code ${VAR}} in it would be read as a variable when the file is read back. */
    public static Setting of(String value) {
        return new Setting(Objects.requireNonNull(value, "value"), null, SettingSource.LITERAL);
    }

    /** A setting that the file does not have. */
    public static Setting absent() {
        return ABSENT;
    }

    /** The same text, named {@code path} and resolved against {@code source}: done once, when a file is loaded. */
    Setting bind(String path, SettingSource source) {
        return new Setting(raw, path, source);
    }

    /** The text as written, variables unresolved; null when absent. */
    @JsonValue
    public String raw() {
        return raw;
    }

    /** The dotted name of this setting ({@code ecs.cluster}); null for a value made in code. */
    public String path() {
        return path;
    }

    /** True when the file has this setting at all (its value may still resolve to nothing). */
    public boolean isWritten() {
        return raw != null;
    }

    /** The value, variables resolved and trimmed; empty when absent or when it resolves to nothing. */
    public Optional<String> optional() {
        if (raw == null) return Optional.empty();
        String resolved = resolve();
        return resolved.isBlank() ? Optional.empty() : Optional.of(resolved.trim());
    }

    /** The value, variables resolved and trimmed; an error naming the setting and the file when there is none. */
    public String required() {
        return optional().orElseThrow(() -> source.missingValue(path));
    }

    /** {@code true} or {@code false} as written (any other text is false); {@code defaultValue} when absent. */
    public boolean flag(boolean defaultValue) {
        return optional().map(Boolean::parseBoolean).orElse(defaultValue);
    }

    /** The text with its variables substituted, untrimmed; an error naming the variable when one is unset. */
    String resolve() {
        if (raw.indexOf('$') < 0) return raw;
        Matcher m = VARIABLE.matcher(raw);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = source.variable(m.group(1));
            if (value == null || value.isEmpty()) {
                if (m.group(2) == null) throw source.unsetVariable(m.group(1), path);
                value = m.group(3);
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Setting other && Objects.equals(raw, other.raw) && Objects.equals(path, other.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(raw, path);
    }

    /** The setting's name only: its text may be a password written into a local file. */
    @Override
    public String toString() {
        return "Setting[" + (path == null ? "in code" : path) + (raw == null ? ", absent" : "") + "]";
    }
}
