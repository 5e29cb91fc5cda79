package io.discordination.ops.ecs;

import io.discordination.ops.text.Table;

import java.util.List;

/**
 * The tasks of one service ({@code aws ecs list-tasks} then {@code describe-tasks}), one row each.
 *
 * <pre>{@code ServiceTasks tasks = ecs("gateway").tasks(); tasks.unhealthy();}</pre>
 */
public record ServiceTasks(String cluster, String service, List<EcsTask> tasks) {

    /** Tasks whose health is reported and is not HEALTHY. */
    public List<EcsTask> unhealthy() {
        return tasks.stream().filter(t -> t.healthStatus() != null && !"HEALTHY".equals(t.healthStatus())
                && !"UNKNOWN".equals(t.healthStatus())).toList();
    }

    public int size() {
        return tasks.size();
    }

    @Override
    public String toString() {
        Table t = Table.with("TASK", "STATUS", "DESIRED", "HEALTH", "STARTED", "TASK DEFINITION", "STOPPED REASON");
        tasks.forEach(x -> t.row(x.taskId(), x.lastStatus(), x.desiredStatus(), x.healthStatus(), x.startedAt(),
                x.taskDefinition(), x.stoppedReason()));
        return "tasks of " + service + " in " + cluster + " (" + tasks.size() + ")\n" + t;
    }
}
