package io.discordination.ops.sandbox.aws;

import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceField;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskField;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * What the ECS control plane and the containers would do, done against moto: each service keeps
 * {@code desiredCount} tasks of its current deployment running (a forced deployment replaces
 * them), and one-off tasks ({@code discordination-migrate}, {@code discordination-cleanup}) write
 * their log lines and then stop on their own with an exit code.
 *
 * <p>A migration fails (exit code 1) when the file {@code fail-next-migration} exists in the
 * sandbox folder (it is consumed), or for a task started with the container override environment
 * variable {@code SANDBOX_EXIT_CODE}.
 *
 * <p>A deployment whose tasks cannot start (the service was tagged {@code sandbox:fail-next-rollout}
 * before it, see sitecustomize.py) gets new tasks on each pass, which stop at once with
 * {@code TaskFailedToStart}; its old tasks keep running, and ECS's deployment circuit breaker
 * (moto's patch) counts the failures and marks it FAILED at its threshold, after which it launches
 * nothing more.
 *
 * <p>Drills: while a service is tagged {@code sandbox:degraded} (see sitecustomize.py) its
 * containers log what failing tasks log on every pass (the api's 502/503s, the gateway's dropped
 * WebSockets); when a new deployment replaces a service's tasks, their fresh memory
 * utilization is published, as ECS publishes it for new tasks.
 *
 * <pre>{@code new EcsSimulator(aws.ecs(), aws.logs(), sandboxDir, Clock.systemUTC()).tick();}</pre>
 */
public final class EcsSimulator {
    /** The file whose presence makes the next migration fail. */
    public static final String FAIL_NEXT_MIGRATION = "fail-next-migration";
    /** How long a one-off task runs before it exits. */
    static final Duration ONE_OFF_RUNTIME = Duration.ofSeconds(3);

    private final EcsClient ecs;
    private final CloudWatchLogsClient logs;
    private final Path sandboxDir;
    private final Clock clock;
    private final Map<String, OneOff> running = new ConcurrentHashMap<>();
    /** The bucket the cleanup task works on; null: cleanup only reports (it deletes nothing). */
    private final S3Client s3;

    /** The tag that marks a service's tasks failing (value {@code health-checks} or {@code memory}). */
    public static final String DEGRADED_TAG = "sandbox:degraded";

    private final CloudWatchClient cloudWatch;
    private long degradedLines;

    public EcsSimulator(EcsClient ecs, CloudWatchLogsClient logs, Path sandboxDir, Clock clock) {
        this(ecs, logs, null, sandboxDir, clock);
    }

    /** With {@code cloudWatch}: a rollout publishes its new tasks' memory utilization. */
    public EcsSimulator(EcsClient ecs, CloudWatchLogsClient logs, CloudWatchClient cloudWatch, Path sandboxDir, Clock clock) {
        this(ecs, logs, cloudWatch, null, sandboxDir, clock);
    }

    /**
     * With {@code cloudWatch}: a rollout publishes its new tasks' memory utilization; with {@code s3},
     * a cleanup task really deletes the orphaned uploads it finds (see {@link #orphanedUploads()}).
     */
    public EcsSimulator(EcsClient ecs, CloudWatchLogsClient logs, CloudWatchClient cloudWatch, S3Client s3, Path sandboxDir, Clock clock) {
        this.ecs = ecs;
        this.logs = logs;
        this.cloudWatch = cloudWatch;
        this.s3 = s3;
        this.sandboxDir = sandboxDir;
        this.clock = clock;
    }

    /** One pass: services reconciled, one-off tasks advanced. */
    public void tick() {
        List<Task> tasks = runningTasks();
        reconcileServices(tasks);
        advanceOneOffs(tasks);
    }

    /** Starts or stops service tasks so each service runs exactly its desired count of its current deployment. */
    public void reconcileServices() {
        reconcileServices(runningTasks());
    }

    private List<Task> runningTasks() {
        List<String> arns = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            var page = ecs.listTasks(r -> r.cluster(SeedData.CLUSTER).desiredStatus(DesiredStatus.RUNNING).nextToken(next));
            arns.addAll(page.taskArns());
            token = page.nextToken();
        } while (token != null);
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> batch = arns.subList(i, Math.min(arns.size(), i + 100));
            tasks.addAll(ecs.describeTasks(r -> r.cluster(SeedData.CLUSTER).tasks(batch).include(TaskField.TAGS)).tasks());
        }
        return tasks.stream().filter(t -> "RUNNING".equals(t.desiredStatus())).collect(Collectors.toList());
    }

    private void reconcileServices(List<Task> tasks) {
        List<String> names = ecs.listServices(r -> r.cluster(SeedData.CLUSTER)).serviceArns();
        if (names.isEmpty()) return;
        for (Service service : ecs.describeServices(r -> r.cluster(SeedData.CLUSTER).services(names).include(ServiceField.TAGS)).services()) {
            if (!"ACTIVE".equals(service.status()) || service.deployments().isEmpty()) continue;
            String deployment = service.deployments().get(0).id();
            String group = "service:" + service.serviceName();
            List<Task> mine = tasks.stream().filter(t -> group.equals(t.group())).toList();
            List<Task> current = mine.stream().filter(t -> deployment.equals(t.startedBy())).toList();
            List<Task> outdated = mine.stream().filter(t -> !deployment.equals(t.startedBy())).toList();
            int missing = service.desiredCount() - current.size();
            // a FAILED deployment (the circuit breaker tripped) launches no new tasks
            boolean failed = "FAILED".equals(service.deployments().get(0).rolloutStateAsString());
            int started = 0;
            if (missing > 0 && !failed) {
                started = (int) ecs.runTask(r -> r.cluster(SeedData.CLUSTER).taskDefinition(service.taskDefinition())
                        .count(missing).group(group).startedBy(deployment)
                        .launchType(service.launchType() != null ? service.launchType() : LaunchType.FARGATE)
                        .networkConfiguration(service.networkConfiguration()))
                        .tasks().stream().filter(t -> !"STOPPED".equals(t.lastStatus())).count();
            }
            // a rolling update (minimumHealthyPercent 100): the old tasks stop once the new ones run
            if (current.size() + started >= service.desiredCount()) {
                for (Task task : outdated) {
                    stop(task.taskArn(), "Scaling activity initiated by (deployment " + deployment + ")");
                }
                if (!outdated.isEmpty() && missing > 0) freshTasksMemory(service.serviceName());
            }
            service.tags().stream().filter(t -> DEGRADED_TAG.equals(t.key())).findFirst()
                    .ifPresent(t -> logFailing(service.serviceName(), t.value()));
            for (int i = 0; i < -missing; i++) {
                stop(current.get(i).taskArn(), "Scaling activity initiated by (service " + service.serviceName() + ")");
            }
        }
    }

    /** New tasks of a deployment start with a fresh VM: their memory utilization, published now. */
    private void freshTasksMemory(String service) {
        if (cloudWatch == null) return;
        Instant now = clock.instant();
        List<MetricDatum> data = new ArrayList<>();
        for (List<Dimension> dimensions : List.of(
                List.of(Dimension.builder().name("ClusterName").value(SeedData.CLUSTER).build(),
                        Dimension.builder().name("ServiceName").value(service).build()),
                List.of(Dimension.builder().name("ServiceName").value(service).build()))) {
            data.add(MetricDatum.builder().metricName("MemoryUtilization").dimensions(dimensions).timestamp(now)
                    .value(service.equals("gateway") ? 34.6 : 39.2).unit(StandardUnit.PERCENT).build());
        }
        cloudWatch.putMetricData(r -> r.namespace("AWS/ECS").metricData(data));
    }

    /** What a degraded service's containers log on each pass. */
    private void logFailing(String service, String kind) {
        long n = ++degradedLines;
        String group = service.equals("gateway") ? SeedData.LOG_GROUP_GATEWAY : SeedData.LOG_GROUP_API;
        String stream = service + "/" + service + "/degraded";
        List<String> lines = "memory".equals(kind)
                ? List.of("[warning] BEAM memory high: total=3.71GB processes=2.52GB binary=0.98GB ets=0.21GB",
                        "[error] WebSocket closed session=" + Long.toHexString(0x5a17e000L + n) + " code=1006 reason=\"node under memory pressure: dropping connection\"",
                        "[error] presence update dropped for user_id=user-" + (1 + n % SeedData.USERS) + ": Phoenix.PubSub broadcast timed out after 5000ms")
                : List.of("[error] GET /health status=503 duration_ms=5002 client_ip=10.42.101.17 error=\"health check timed out\"",
                        "[error] GET /api/v9/users/@me status=502 duration_ms=30001 client_ip=203.0.113." + (10 + n % 200)
                                + " request_id=F" + Long.toString(910000 + n, 36) + " error=\"upstream connect error: connection refused\"");
        write(new OneOff(clock.instant(), false, 0, List.of(), group, stream), clock.instant(), lines);
    }

    private void stop(String taskArn, String reason) {
        ecs.stopTask(r -> r.cluster(SeedData.CLUSTER).task(taskArn).reason(reason));
    }

    private void advanceOneOffs(List<Task> tasks) {
        Instant now = clock.instant();
        Set<String> seen = new HashSet<>();
        for (Task task : tasks) {
            String family = family(task.taskDefinitionArn());
            if (!family.equals(SeedData.MIGRATE_TASK_FAMILY) && !family.equals(SeedData.CLEANUP_TASK_FAMILY)) continue;
            seen.add(task.taskArn());
            OneOff oneOff = running.computeIfAbsent(task.taskArn(), arn -> begin(task, family, now));
            if (Duration.between(oneOff.startedAt, now).compareTo(ONE_OFF_RUNTIME) >= 0) {
                finish(task, oneOff, now);
                running.remove(task.taskArn());
            }
        }
        running.keySet().retainAll(seen);
    }

    private OneOff begin(Task task, String family, Instant now) {
        List<String> command = command(task);
        Integer requested = requestedExitCode(task);
        boolean migrate = family.equals(SeedData.MIGRATE_TASK_FAMILY);
        int exitCode;
        if (requested != null) {
            exitCode = requested;
        } else if (migrate && consumeFailMarker()) {
            exitCode = 1;
        } else {
            exitCode = 0;
        }
        String group = migrate ? SeedData.LOG_GROUP_MIGRATE : SeedData.LOG_GROUP_CLEANUP;
        String stream = (migrate ? "migrate/migrate/" : "cleanup/cleanup/") + taskId(task.taskArn());
        OneOff oneOff = new OneOff(now, migrate, exitCode, command, group, stream);
        write(oneOff, now, migrate ? TaskLogLines.migrationStart() : TaskLogLines.cleanupStart(command));
        return oneOff;
    }

    private void finish(Task task, OneOff oneOff, Instant now) {
        List<ObjectSummary> orphans = oneOff.migrate || s3 == null ? List.of() : orphanedUploads();
        List<String> lines;
        if (oneOff.migrate) {
            lines = TaskLogLines.migrationEnd(oneOff.exitCode);
        } else if (orphans.isEmpty()) {
            lines = TaskLogLines.cleanupEnd(oneOff.command, oneOff.exitCode);
        } else {
            long bytes = orphans.stream().mapToLong(ObjectSummary::size).sum();
            boolean delete = oneOff.exitCode == 0 && !oneOff.command.contains("--dry-run");
            if (delete) {
                for (ObjectSummary orphan : orphans) s3.deleteObject(r -> r.bucket(SeedData.BUCKET).key(orphan.key()));
            }
            lines = TaskLogLines.cleanupEnd(oneOff.command, oneOff.exitCode, orphans.size(), bytes);
        }
        write(oneOff, now, lines);
        ecs.tagResource(r -> r.resourceArn(task.taskArn())
                .tags(Tag.builder().key("sandbox:exit-code").value(Integer.toString(oneOff.exitCode)).build()));
        stop(task.taskArn(), "Essential container in task exited");
    }

    /** An object under attachments/: its key and size. */
    record ObjectSummary(String key, long size) {
    }

    /**
     * What the cleanup daemon deletes: uploads that never got a message reference, older than
     * {@link #ORPHAN_AFTER}. The api marks an upload {@code upload-state: pending} (object metadata)
     * until a message references it and stamps {@code uploaded-at} (epoch seconds); the seeded
     * attachments are referenced (no such metadata).
     */
    List<ObjectSummary> orphanedUploads() {
        List<ObjectSummary> out = new ArrayList<>();
        long cutoff = clock.instant().minus(ORPHAN_AFTER).getEpochSecond();
        for (var page : s3.listObjectsV2Paginator(r -> r.bucket(SeedData.BUCKET).prefix("attachments/"))) {
            for (var object : page.contents()) {
                Map<String, String> metadata = s3.headObject(r -> r.bucket(SeedData.BUCKET).key(object.key())).metadata();
                if (!"pending".equals(metadata.get("upload-state"))) continue;
                long uploadedAt;
                try {
                    uploadedAt = Long.parseLong(metadata.getOrDefault("uploaded-at", ""));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (uploadedAt < cutoff) out.add(new ObjectSummary(object.key(), object.size() == null ? 0 : object.size()));
            }
        }
        return out;
    }

    /** The daemon's {@code orphan_after}. */
    public static final Duration ORPHAN_AFTER = Duration.ofDays(30);

    private void write(OneOff oneOff, Instant at, List<String> lines) {
        try {
            logs.createLogStream(r -> r.logGroupName(oneOff.group).logStreamName(oneOff.stream));
        } catch (ResourceAlreadyExistsException exists) {
            // the task wrote before
        }
        List<InputLogEvent> events = new ArrayList<>();
        long millis = at.toEpochMilli();
        for (int i = 0; i < lines.size(); i++) {
            events.add(InputLogEvent.builder().timestamp(millis + i).message(lines.get(i)).build());
        }
        logs.putLogEvents(r -> r.logGroupName(oneOff.group).logStreamName(oneOff.stream).logEvents(events));
    }

    private boolean consumeFailMarker() {
        try {
            return Files.deleteIfExists(sandboxDir.resolve(FAIL_NEXT_MIGRATION));
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> command(Task task) {
        if (task.overrides() == null) return List.of();
        for (ContainerOverride override : task.overrides().containerOverrides()) {
            if (override.hasCommand() && !override.command().isEmpty()) return override.command();
        }
        return List.of();
    }

    private static Integer requestedExitCode(Task task) {
        if (task.overrides() == null) return null;
        for (ContainerOverride override : task.overrides().containerOverrides()) {
            for (KeyValuePair pair : override.environment()) {
                if ("SANDBOX_EXIT_CODE".equals(pair.name())) {
                    try {
                        return Integer.parseInt(pair.value().trim());
                    } catch (NumberFormatException e) {
                        return 1;
                    }
                }
            }
        }
        return null;
    }

    static String family(String taskDefinitionArn) {
        String tail = taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
        int colon = tail.indexOf(':');
        return colon < 0 ? tail : tail.substring(0, colon);
    }

    static String taskId(String taskArn) {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private record OneOff(Instant startedAt, boolean migrate, int exitCode, List<String> command, String group, String stream) {
    }
}
