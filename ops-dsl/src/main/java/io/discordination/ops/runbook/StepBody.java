package io.discordination.ops.runbook;

/**
 * What a {@code check} or {@code action} step does; it returns what it found or did (a record that
 * prints as a table), which later steps read with {@code result("step title")}. A Groovy closure
 * converts to it; a Java block that has nothing to return ends with {@code return null;}.
 *
 * <pre>{@code .check("Check ECS task status", () -> ecs("api").status())}</pre>
 */
@FunctionalInterface
public interface StepBody {
    Object run() throws Exception;
}
