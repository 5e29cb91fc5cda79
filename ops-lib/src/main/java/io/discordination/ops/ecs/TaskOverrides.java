package io.discordination.ops.ecs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to change in a one-off task's main container: its command (the arguments after the image,
 * as in {@code docker run image --once --dry-run}) and extra environment variables.
 *
 * <pre>{@code ecs().runTask("cleanup", TaskOverrides.command("--once", "--dry-run"));}</pre>
 */
public record TaskOverrides(List<String> command, Map<String, String> environment) {

    public TaskOverrides {
        command = command == null ? List.of() : List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(environment));
    }

    public static TaskOverrides none() {
        return new TaskOverrides(List.of(), Map.of());
    }

    public static TaskOverrides command(String... command) {
        return new TaskOverrides(List.of(command), Map.of());
    }

    /** A copy with one more environment variable (not for secrets: it shows in the plan and the audit). */
    public TaskOverrides withEnvironment(String name, String value) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put(name, value);
        return new TaskOverrides(command, env);
    }

    public boolean isEmpty() {
        return command.isEmpty() && environment.isEmpty();
    }
}
