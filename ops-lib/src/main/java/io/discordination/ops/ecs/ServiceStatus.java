package io.discordination.ops.ecs;

import io.discordination.ops.text.Table;

import java.time.Instant;
import java.util.List;

/**
 * What {@code aws ecs describe-services} says about one service: counts, deployments with their
 * rollout state, and the most recent events.
 *
 * <pre>{@code ServiceStatus s = ecs("api").status(); s.runningCount();}</pre>
 */
public record ServiceStatus(String cluster, String service, String status, String taskDefinition,
                            int desiredCount, int runningCount, int pendingCount,
                            List<Deployment> deployments, List<Event> events, CircuitBreaker circuitBreaker) {

    /**
     * The service's deployment circuit breaker: when enabled, ECS marks a deployment whose tasks
     * keep failing FAILED (and rolls back to the last COMPLETED one when {@code rollback} is on).
     */
    public record CircuitBreaker(boolean enabled, boolean rollback) {
        @Override
        public String toString() {
            return enabled ? "on" + (rollback ? ", rolls back" : ", no rollback") : "off";
        }
    }

    /** One deployment of the service (PRIMARY is the newest; ACTIVE ones are draining). */
    public record Deployment(String id, String status, String rolloutState, String rolloutStateReason,
                             String taskDefinition, int desiredCount, int runningCount, int pendingCount,
                             int failedTasks, Instant createdAt, Instant updatedAt) {
    }

    /** One service event, newest first. */
    public record Event(Instant createdAt, String message) {
    }

    /** The PRIMARY deployment, or null if the service has none. */
    public Deployment primaryDeployment() {
        return deployments.stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElse(null);
    }

    /**
     * Stable as {@code aws ecs wait services-stable} defines it: exactly one deployment, and as many
     * tasks running as desired.
     */
    public boolean isStable() {
        return "ACTIVE".equals(status) && deployments.size() == 1 && runningCount == desiredCount;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(Table.fields(
                "service", service, "cluster", cluster, "status", status, "task definition", taskDefinition,
                "desired", desiredCount, "running", runningCount, "pending", pendingCount,
                "stable", isStable() ? "yes" : "no",
                "circuit breaker", circuitBreaker == null ? "off" : circuitBreaker));
        Table d = Table.with("DEPLOYMENT", "STATUS", "ROLLOUT", "DESIRED", "RUNNING", "PENDING", "FAILED", "CREATED", "TASK DEFINITION");
        for (Deployment x : deployments) {
            d.row(x.id(), x.status(), x.rolloutState(), x.desiredCount(), x.runningCount(), x.pendingCount(),
                    x.failedTasks(), x.createdAt(), x.taskDefinition());
        }
        sb.append('\n').append(d);
        Table e = Table.with("EVENT TIME", "MESSAGE");
        events.forEach(x -> e.row(x.createdAt(), x.message()));
        sb.append('\n').append(e);
        return sb.toString();
    }
}
