package io.discordination.ops.runbook;

/**
 * What a {@code verify} step polls until it holds or the step's timeout passes. An exception counts
 * as "not yet" and is reported if the timeout passes.
 *
 * <pre>{@code .verify("API has two running tasks", () -> ecs("api").status().runningCount() >= 2)}</pre>
 */
@FunctionalInterface
public interface Condition {
    boolean holds() throws Exception;
}
