package io.discordination.ops.ecs;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.aws.Poller;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;
import io.discordination.ops.logs.LogFollow;
import io.discordination.ops.logs.LogQuery;
import io.discordination.ops.text.Table;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A one-off task started by {@link EcsCluster#runTask}: wait for it to stop, read its exit code,
 * read or follow its logs. A planned run (dry run) started nothing: waiting returns at once.
 *
 * <pre>{@code
 * EcsTaskRun run = ecs().runTask("migrate");
 * run.follow().print();                                    // until the task stops
 * EcsTask done = run.awaitStopped(minutes(15)).result();
 * }</pre>
 */
public final class EcsTaskRun implements Outcome {
    /**
     * The injectable id of the environment's cluster, a {@code Supplier<EcsCluster>}, made only when
     * a restored result needs it: whoever reads a journal back provides it.
     */
    public static final String RESTORED_CLUSTER = "io.discordination.ops.ecs.EcsCluster";

    private final EcsCluster cluster;
    private final EcsTask started;
    private final String family;
    private final String container;
    private final String logGroup;
    private final String streamPrefix;
    private final boolean planned;
    private final Effect effect;
    /** The newest state read by status() or awaitStopped(), so that printing the run shows where it is. */
    private volatile EcsTask latest;

    EcsTaskRun(EcsCluster cluster, EcsTask started, String family, String container, String logGroup,
               String streamPrefix, boolean planned, Effect effect) {
        this.cluster = cluster;
        this.started = started;
        this.family = family;
        this.container = container;
        this.logGroup = logGroup;
        this.streamPrefix = streamPrefix;
        this.planned = planned;
        this.effect = effect;
    }

    /**
     * The run again from its JSON (a resumed run's journal, when it skips the step that started the
     * task), bound to the environment's cluster ({@link #RESTORED_CLUSTER}). The log stream gives back the
     * stream prefix and container ({@code prefix/container/task-id}). The cluster's name is taken here so
     * that it is not set on the cluster field.
     */
    @JsonCreator
    static EcsTaskRun fromJson(@JacksonInject(RESTORED_CLUSTER) Supplier<EcsCluster> cluster, @JsonProperty("cluster") String clusterName,
                               @JsonProperty("started") EcsTask started,
                               @JsonProperty("taskDefinitionFamily") String family, @JsonProperty("logGroup") String logGroup,
                               @JsonProperty("logStream") String logStream, @JsonProperty("planned") boolean planned) {
        String prefix = null;
        String container = null;
        if (logStream != null && started != null && logStream.endsWith("/" + started.taskId())) {
            String head = logStream.substring(0, logStream.length() - started.taskId().length() - 1);
            int slash = head.lastIndexOf('/');
            if (slash > 0) {
                prefix = head.substring(0, slash);
                container = head.substring(slash + 1);
            }
        }
        return new EcsTaskRun(cluster.get(), started, family, container, logGroup, prefix, planned, null);
    }

    @JsonProperty public String cluster() { return cluster.name(); }
    @JsonProperty public String taskDefinitionFamily() { return family; }
    /** The task id (the last part of its ARN); null when planned. */
    @JsonProperty public String taskId() { return started == null ? null : started.taskId(); }
    @JsonProperty public String taskArn() { return started == null ? null : started.taskArn(); }
    /** The task as run-task returned it. */
    @JsonProperty public EcsTask started() { return started; }
    @JsonProperty public String logGroup() { return logGroup; }
    /** The task's log stream as the awslogs driver names it ({@code prefix/container/task-id}), or null if unknown. */
    @JsonProperty public String logStream() {
        if (started == null || streamPrefix == null) return null;
        return streamPrefix + "/" + container + "/" + started.taskId();
    }
    @JsonProperty public boolean planned() { return planned; }
    @Override @JsonIgnore public Effect effect() { return effect; }

    /** The task now ({@code aws ecs describe-tasks}). */
    public EcsTask status() {
        requireStarted();
        EcsTask now = cluster.task(started.taskArn());
        latest = now;
        return now;
    }

    /** True once the task has stopped (always true for a planned run). */
    @JsonIgnore
    public boolean isStopped() {
        return planned || status().isStopped();
    }

    /**
     * Polls describe-tasks until the task is STOPPED ({@code aws ecs wait tasks-stopped}), with
     * progress; the result carries the exit code and stopped reason. A timeout is an OpsException.
     */
    public Awaited<EcsTask> awaitStopped(Duration timeout) {
        if (planned) return Awaited.planned(null, "stopped");
        return Poller.<EcsTask>of(cluster.context(), "Waiting for task " + family + " " + started.taskId() + " to stop")
                .until("stopped", EcsTask::isStopped)
                .describe(t -> t.lastStatus() + " (desired " + t.desiredStatus() + ")")
                .interval(Duration.ofSeconds(1), Duration.ofSeconds(10))
                .poll(this::status, timeout);
    }

    /** The task's own log events (its stream), oldest first; read lazily. */
    public LogQuery logs() {
        requireLogs();
        String stream = logStream();
        if (stream == null) {
            // no stream prefix known: the group filtered to lines of this task's stream name is the best guess
            return cluster.logGroup(logGroup).filter(null, started.startedAt() == null
                    ? java.time.Instant.now().minus(Duration.ofHours(1)) : started.startedAt().minusSeconds(60), null);
        }
        return cluster.logGroup(logGroup).stream(stream);
    }

    /** Follows the task's log stream until the task has stopped (then one last read), or an hour passes. */
    public LogFollow follow() {
        requireLogs();
        LogFollow follow = cluster.logGroup(logGroup).follow().since(Duration.ofMinutes(1)).until(this::isStopped);
        String stream = logStream();
        return stream == null ? follow : follow.streams(java.util.List.of(stream));
    }

    private void requireStarted() {
        if (started == null) {
            throw OpsException.builder("The task " + family + " was only planned (dry run); it has no status").invalidInput();
        }
    }

    private void requireLogs() {
        requireStarted();
        if (logGroup == null) {
            throw OpsException.builder("Task definition " + family + " names no awslogs group and the environment has no logs entry for it")
                    .hint("add logs.<short name> to " + cluster.context().environment().source()).notFound();
        }
    }

    @Override
    public String toString() {
        if (planned) return Outcome.plannedText("run-task " + family + " in " + cluster.name());
        EcsTask now = latest != null ? latest : started;
        return Table.fields("task", started.taskId(), "task definition", started.taskDefinition(), "cluster", cluster.name(),
                "status", now.lastStatus(), "exit code", now.exitCode(), "stopped reason", now.stoppedReason(),
                "log group", logGroup, "log stream", logStream());
    }
}
