package io.discordination.ops.sandbox.drill;

/**
 * What one {@link Probe} saw: whether the system is healthy in the respect it checks, and what it
 * observed, in words an operator would use ("2 of 2 api tasks HEALTHY", "1 snapshot, newest 3 days
 * old").
 *
 * <pre>{@code return unhealthy == 0 ? Observation.pass(healthy + " tasks HEALTHY") : Observation.fail(unhealthy + " tasks UNHEALTHY");}</pre>
 *
 * @param passed   the system is healthy in this probe's respect
 * @param observed what the probe saw, one line
 */
public record Observation(boolean passed, String observed) {
    public Observation {
        observed = observed == null ? "" : observed.replace('\n', ' ').strip();
    }

    public static Observation pass(String observed) {
        return new Observation(true, observed);
    }

    public static Observation fail(String observed) {
        return new Observation(false, observed);
    }

    /** Passes when {@code healthy}, with the same observation either way. */
    public static Observation of(boolean healthy, String observed) {
        return new Observation(healthy, observed);
    }
}
