package io.discordination.ops.ecs;

import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;
import software.amazon.awssdk.services.ecs.model.Task;

import java.util.Comparator;
import java.util.List;

/** Conversions from the SDK's ECS shapes to this package's records. */
final class EcsModels {
    static final int RECENT_EVENTS = 10;

    private EcsModels() {
    }

    static ServiceStatus status(String cluster, Service s) {
        List<ServiceStatus.Deployment> deployments = s.deployments().stream()
                .map(d -> deployment(d))
                .sorted(Comparator.comparing(ServiceStatus.Deployment::createdAt, Comparator.nullsLast(Comparator.reverseOrder())))
                .toList();
        List<ServiceStatus.Event> events = s.events().stream()
                .sorted(Comparator.comparing(ServiceEvent::createdAt, Comparator.nullsLast(Comparator.reverseOrder())))
                .limit(RECENT_EVENTS)
                .map(e -> new ServiceStatus.Event(e.createdAt(), e.message()))
                .toList();
        return new ServiceStatus(cluster, s.serviceName(), s.status(), shortTaskDefinition(s.taskDefinition()),
                n(s.desiredCount()), n(s.runningCount()), n(s.pendingCount()), deployments, events, circuitBreaker(s));
    }

    private static ServiceStatus.CircuitBreaker circuitBreaker(Service s) {
        var config = s.deploymentConfiguration();
        if (config == null || config.deploymentCircuitBreaker() == null) return null;
        var cb = config.deploymentCircuitBreaker();
        return new ServiceStatus.CircuitBreaker(Boolean.TRUE.equals(cb.enable()), Boolean.TRUE.equals(cb.rollback()));
    }

    static ServiceStatus.Deployment deployment(Deployment d) {
        return new ServiceStatus.Deployment(d.id(), d.status(), d.rolloutStateAsString(), d.rolloutStateReason(),
                shortTaskDefinition(d.taskDefinition()), n(d.desiredCount()), n(d.runningCount()), n(d.pendingCount()),
                n(d.failedTasks()), d.createdAt(), d.updatedAt());
    }

    static EcsTask task(Task t) {
        List<EcsTask.Container> containers = t.containers().stream().map(EcsModels::container).toList();
        return new EcsTask(taskId(t.taskArn()), t.taskArn(), shortTaskDefinition(t.taskDefinitionArn()), t.lastStatus(),
                t.desiredStatus(), t.healthStatusAsString(), t.startedAt(), t.stoppedAt(), t.stopCodeAsString(),
                blankToNull(t.stoppedReason()), t.group(), containers);
    }

    private static EcsTask.Container container(Container c) {
        return new EcsTask.Container(c.name(), c.lastStatus(), c.exitCode(), c.healthStatusAsString(), blankToNull(c.reason()));
    }

    /** {@code arn:aws:ecs:...:task/cluster/abc123} -> {@code abc123}. */
    static String taskId(String taskArn) {
        if (taskArn == null) return null;
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    /** {@code arn:aws:ecs:...:task-definition/discordination-migrate:7} -> {@code discordination-migrate:7}. */
    static String shortTaskDefinition(String arn) {
        if (arn == null) return null;
        int slash = arn.lastIndexOf('/');
        return slash >= 0 ? arn.substring(slash + 1) : arn;
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
