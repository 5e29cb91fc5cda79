package io.discordination.ops.sandbox.drill;

/**
 * One independent check of a symptom, through a client of its own (an AWS SDK client built from
 * the sandbox's addresses, Lettuce, JDBC, the LiveKit API over HTTP), never through the runbook or
 * the library under test: it passes when the symptom is gone. A drill runs every probe after the
 * break (each must fail) and after the runbook (each must pass).
 *
 * <pre>{@code
 * new Probe("api tasks pass their health checks", sandbox -> {
 *     long unhealthy = ...sandbox.aws().ecs().describeTasks(...)...;
 *     return Observation.of(unhealthy == 0, unhealthy + " of 2 api tasks UNHEALTHY");
 * })
 * }</pre>
 *
 * @param description what healthy looks like, for the report ("api tasks pass their health checks")
 * @param check       looks at the sandbox and says what it saw
 */
public record Probe(String description, Check check) {

    /** The look itself; an exception counts as a failed observation with its message. */
    @FunctionalInterface
    public interface Check {
        Observation observe(SandboxAccess sandbox) throws Exception;
    }

    /** Runs the check; an exception is a failed observation ("probe error: ..."), never thrown. */
    public Observation observe(SandboxAccess sandbox) {
        try {
            Observation seen = check.observe(sandbox);
            return seen != null ? seen : Observation.fail("probe saw nothing");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Observation.fail("probe interrupted");
        } catch (Exception e) {
            return Observation.fail("probe error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
