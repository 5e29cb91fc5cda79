package io.discordination.ops.aws;

import io.discordination.ops.env.Environment;

/**
 * Resolves the short names of an environment's topology ({@code api}) to real ones, and accepts a
 * real name that the environment lists ({@code discordination/jwt-secret}), so either may be used.
 *
 * <pre>{@code String group = ShortNames.resolve(env, "logs", "api", "log group");   // /ecs/discordination-api}</pre>
 */
public final class ShortNames {
    private ShortNames() {
    }

    /** The real name for {@code name} under {@code section}; a not-found error lists the known short names. */
    public static String resolve(Environment environment, String section, String name, String what) {
        if (name != null && !environment.keys(section).contains(name)) {
            for (String key : environment.keys(section)) {
                if (environment.optionalString(section + "." + key).filter(name::equals).isPresent()) return name;
            }
        }
        return environment.lookup(section, name, what);
    }
}
