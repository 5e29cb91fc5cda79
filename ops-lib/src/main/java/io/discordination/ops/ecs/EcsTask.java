package io.discordination.ops.ecs;

import io.discordination.ops.text.Table;

import java.time.Instant;
import java.util.List;

/**
 * One ECS task as {@code aws ecs describe-tasks} shows it: status, health, when it started and
 * stopped, why it stopped, and its containers with their exit codes.
 *
 * <pre>{@code ecs("gateway").tasks().tasks().forEach(t -> System.out.println(t.taskId() + " " + t.healthStatus()));}</pre>
 */
public record EcsTask(String taskId, String taskArn, String taskDefinition, String lastStatus, String desiredStatus,
                      String healthStatus, Instant startedAt, Instant stoppedAt, String stopCode, String stoppedReason,
                      String group, List<Container> containers) {

    /** One container of the task; {@code exitCode} is null until it has stopped (or if ECS never reported one). */
    public record Container(String name, String lastStatus, Integer exitCode, String healthStatus, String reason) {
    }

    public boolean isStopped() {
        return "STOPPED".equals(lastStatus);
    }

    /** The exit code of the first container that reports one, or null. */
    public Integer exitCode() {
        return containers.stream().map(Container::exitCode).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(Table.fields(
                "task", taskId, "task definition", taskDefinition, "status", lastStatus + " (desired " + desiredStatus + ")",
                "health", healthStatus, "started", startedAt, "stopped", stoppedAt,
                "stop code", stopCode, "stopped reason", stoppedReason, "exit code", exitCode()));
        Table c = Table.with("CONTAINER", "STATUS", "EXIT CODE", "HEALTH", "REASON");
        containers.forEach(x -> c.row(x.name(), x.lastStatus(), x.exitCode(), x.healthStatus(), x.reason()));
        return sb.append('\n').append(c).toString();
    }
}
