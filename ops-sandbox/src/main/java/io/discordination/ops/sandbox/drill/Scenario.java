package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The incident one runbook is for, reproduced in the sandbox as an operator would observe it
 * through the runbook's own reads (ECS status and events, logs, metrics, redis-cli, psql, the
 * LiveKit API), with the probes that tell whether it is over. Data servers are broken for real
 * (connections held, memory filled); what only AWS or LiveKit could show is made to show by the
 * simulators. Every scenario is listed in {@link Scenarios#all()}.
 *
 * <pre>{@code
 * try (SandboxAccess sandbox = SandboxAccess.open(Sandbox.at(home))) {
 *     Scenario scenario = Scenarios.byName("api-not-responding").orElseThrow();
 *     scenario.breakIt(sandbox);
 *     scenario.probes().forEach(p -> System.out.println(p.observe(sandbox)));   // all fail now
 *     // ... ops run api-not-responding --param scenario.runbookParams(sandbox) ...
 *     scenario.heal(sandbox);                                                    // seeded state again
 * }
 * }</pre>
 */
public interface Scenario {
    /** The runbook this is the incident of, e.g. {@code api-not-responding}. */
    String name();

    /** What the operator is told or sees first, as the seed runbook's "Symptoms" line ("502/503 from the ALB, ..."). */
    String symptoms();

    /**
     * Breaks the sandbox; on return the incident is visible (every probe fails). The sandbox is in
     * its seeded state when it is called.
     */
    void breakIt(SandboxAccess sandbox) throws Exception;

    /** The independent checks of the symptoms, each failing while the incident lasts and passing once it is over. */
    List<Probe> probes();

    /**
     * The parameters the drill passes to the runbook ({@code --param k=v}), e.g. the stuck user
     * and channel; may read the sandbox for seeded ids. Empty when the defaults fit.
     */
    default Map<String, String> runbookParams(SandboxAccess sandbox) throws Exception {
        return Map.of();
    }

    /**
     * For a runbook that only diagnoses (no action that could end the incident: livekit-health,
     * s3-usage, redis-memory-pressure): the words its report must show for the operator to have
     * seen the incident, e.g. the failing health check's answer. The drill then passes when the
     * runbook's output shows each of them (its own verify step may fail: the incident is still
     * there); its probes are shown before and after but need not recover. Empty (the default): the
     * runbook must end the incident, and every probe must pass after it.
     */
    default List<String> evidence(SandboxAccess sandbox) throws Exception {
        return List.of();
    }

    /**
     * The sandbox components ({@link Sandbox#MOTO}, {@link Sandbox#REDIS}, {@link Sandbox#POSTGRES},
     * {@link Sandbox#AGENT}) that the break or the runbook change: {@link #heal} reseeds only these.
     */
    default Set<String> touches() {
        return Set.copyOf(Sandbox.COMPONENTS);
    }

    /** How long after the runbook the probes may take to see the recovery (a rollout replacing tasks). */
    default Duration recoveryWait() {
        return Duration.ofSeconds(30);
    }

    /** Back to the seeded state: the components of {@link #touches()} reseeded, whatever the break or the runbook did. */
    default void heal(SandboxAccess sandbox) {
        sandbox.reseed(touches());
    }
}
