package io.discordination.ops.ecs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;
import io.discordination.ops.text.Table;

import java.time.Duration;
import java.time.Instant;

/**
 * A deployment started by {@link EcsService#forceRedeploy()}: which one, when, and the service's
 * state right after. {@link #awaitStable(Duration)} waits for it; a planned one (dry run) returns
 * at once.
 *
 * <pre>{@code Awaited<ServiceStatus> done = ecs("gateway").forceRedeploy().awaitStable(minutes(10));}</pre>
 */
public final class EcsDeployment implements Outcome {
    private final EcsService service;
    private final String deploymentId;
    private final Instant createdAt;
    private final ServiceStatus status;
    private final boolean planned;
    private final Effect effect;

    EcsDeployment(EcsService service, String deploymentId, Instant createdAt, ServiceStatus status, boolean planned, Effect effect) {
        this.service = service;
        this.deploymentId = deploymentId;
        this.createdAt = createdAt;
        this.status = status;
        this.planned = planned;
        this.effect = effect;
    }

    @JsonProperty public String cluster() { return service.cluster(); }
    @JsonProperty public String service() { return service.name(); }
    /** The new PRIMARY deployment's id; null when planned. */
    @JsonProperty public String deploymentId() { return deploymentId; }
    @JsonProperty public Instant createdAt() { return createdAt; }
    /** The service as update-service returned it (or, planned, as it is now). */
    @JsonProperty public ServiceStatus status() { return status; }
    @JsonProperty public boolean planned() { return planned; }
    @Override @JsonIgnore public Effect effect() { return effect; }

    @JsonIgnore
    public EcsService handle() {
        return service;
    }

    /**
     * Polls describe-services until this deployment is the only one and runs as many tasks as
     * desired ({@code aws ecs wait services-stable}) and its rolloutState is COMPLETED, showing
     * running/desired as progress. A timeout or a FAILED rollout (the circuit breaker) is an
     * OpsException with the last state seen. A null timeout is derived from the task count.
     */
    public Awaited<ServiceStatus> awaitStable(Duration timeout) {
        if (planned) return Awaited.planned(status, "stable");
        return service.awaitStable(deploymentId, createdAt, timeout);
    }

    /** {@link #awaitStable(Duration)} with the timeout from the task count ({@link EcsService#defaultStableTimeout(int)}). */
    public Awaited<ServiceStatus> awaitStable() {
        return awaitStable((Duration) null);
    }

    @Override
    public String toString() {
        if (planned) {
            return Outcome.plannedText("force-redeploy " + cluster() + "/" + service() + ", replacing "
                    + status.runningCount() + " running task(s)");
        }
        return Table.fields("service", service(), "cluster", cluster(), "deployment", deploymentId, "created", createdAt,
                "desired", status.desiredCount(), "running", status.runningCount());
    }
}
