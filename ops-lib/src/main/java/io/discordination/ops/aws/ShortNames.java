package io.discordination.ops.aws;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.topology.Setting;

import java.util.Map;

/**
 * Resolves the short names of an environment's topology ({@code api}) to real ones, and accepts a
 * real name that the environment lists ({@code discordination/jwt-secret}), so either may be used.
 *
 * <pre>{@code String group = ShortNames.resolve(topology.logs().groups(), "logs", "api", "log group", context.environment());   // /ecs/discordination-api}</pre>
 */
public final class ShortNames {
    private ShortNames() {
    }

    /**
     * The real name for {@code name} among {@code names} (the settings under {@code section});
     * a not-found error lists the known short names.
     */
    public static String resolve(Map<String, Setting> names, String section, String name, String what, HandleContext.Place where) {
        String known = String.join(", ", names.keySet());
        if (name == null || name.isBlank()) {
            throw OpsException.builder("A " + what + " name is needed").environment(where.name())
                    .hint("known: " + known).invalidInput();
        }
        Setting named = names.get(name);
        if (named != null) {
            var real = named.optional();
            if (real.isPresent()) return real.get();
        } else {
            for (Setting real : names.values()) {
                if (real.optional().filter(name::equals).isPresent()) return name;
            }
        }
        throw OpsException.builder("No " + what + " '" + name + "' in environment " + where.name())
                .environment(where.name()).resource(String.valueOf(where.source()))
                .hint("known: " + known).notFound();
    }
}
