package io.discordination.ops.ecs;

import io.discordination.ops.text.Table;

import java.util.List;

/**
 * The tasks of one service ({@code aws ecs list-tasks} then {@code describe-tasks}), one row each:
 * unhealthy first, then tasks not yet (or no longer) RUNNING, then the rest, newest first in each
 * group. Printed, it shows counts by status and health and the first {@value #PRINTED_ROWS} rows
 * (the rest are counted as left out); JSON carries every task.
 *
 * <pre>{@code ServiceTasks tasks = ecs("gateway").tasks(); tasks.unhealthy();}</pre>
 */
public record ServiceTasks(String cluster, String service, List<EcsTask> tasks) {
    public static final int PRINTED_ROWS = 20;

    /** Unhealthy, then not RUNNING (pending, provisioning, stopping), then the rest; newest first within each. */
    static final java.util.Comparator<EcsTask> ATTENTION_FIRST = java.util.Comparator
            .comparingInt(ServiceTasks::rank)
            .thenComparing(EcsTask::startedAt, java.util.Comparator.nullsFirst(java.util.Comparator.reverseOrder()));

    private static int rank(EcsTask t) {
        if ("UNHEALTHY".equals(t.healthStatus())) return 0;
        if (!"RUNNING".equals(t.lastStatus())) return 1;
        return 2;
    }

    /** How many tasks are in each last status ({@code RUNNING=298, PENDING=2}). */
    public java.util.Map<String, Long> countsByStatus() {
        return count(EcsTask::lastStatus);
    }

    /** How many tasks report each health status ({@code HEALTHY}, {@code UNHEALTHY}, {@code UNKNOWN}). */
    public java.util.Map<String, Long> countsByHealth() {
        return count(EcsTask::healthStatus);
    }

    private java.util.Map<String, Long> count(java.util.function.Function<EcsTask, String> key) {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        tasks.forEach(t -> out.merge(key.apply(t) == null ? "none" : key.apply(t), 1L, Long::sum));
        return out;
    }

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
        tasks.stream().limit(PRINTED_ROWS).forEach(x -> t.row(x.taskId(), x.lastStatus(), x.desiredStatus(), x.healthStatus(),
                x.startedAt(), x.taskDefinition(), x.stoppedReason()));
        String more = Table.leftOut(tasks.size(), PRINTED_ROWS, "tasks");
        return "tasks of " + service + " in " + cluster + " (" + tasks.size() + "; by status " + countsByStatus()
                + ", by health " + countsByHealth() + ")\n" + t + more;
    }
}
