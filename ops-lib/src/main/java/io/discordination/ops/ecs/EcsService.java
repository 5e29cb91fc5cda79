package io.discordination.ops.ecs;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.aws.Poller;
import io.discordination.ops.aws.ShortNames;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.topology.EcsTopology;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One ECS service of the environment, by short name ({@code api}, {@code gateway}): its status and
 * tasks, a rolling restart, and waiting until it is stable again.
 *
 * <pre>{@code ecs("api").forceRedeploy().awaitStable(minutes(10));}</pre>
 */
public final class EcsService {
    /** {@link #forceRedeploy()}: a new deployment of the same task definition. */
    public static final CommandTemplate FORCE_REDEPLOY = CommandTemplate.of(
            "aws ecs update-service --cluster <cluster> --service <service> --force-new-deployment");
    /** The default wait for stability: a base for one rollout, plus time per task ECS must replace, capped. */
    static final Duration STABLE_TIMEOUT_BASE = Duration.ofMinutes(5);
    static final Duration STABLE_TIMEOUT_PER_TASK = Duration.ofSeconds(10);
    static final Duration STABLE_TIMEOUT_MAX = Duration.ofMinutes(60);

    private final HandleContext context;
    private final EcsClient client;
    private final String cluster;
    private final String service;
    private final AwsErrors aws;

    /** The service called {@code name} in {@code ecs.services}; an unknown name fails here, before any call. */
    public EcsService(EcsTopology ecs, EcsClient client, HandleContext context, String name) {
        this.context = context;
        this.client = client;
        this.cluster = ecs.cluster().required();
        this.service = ShortNames.resolve(ecs.services(), "ecs.services", name, "ECS service", context.environment());
        this.aws = AwsErrors.of(context.environment(), "ecs");
    }

    public String cluster() {
        return cluster;
    }

    /** The real service name. */
    public String name() {
        return service;
    }

    private EcsClient ecs() {
        return client;
    }

    private String where() {
        return "ECS service " + service + " in cluster " + cluster;
    }

    /** Desired/running/pending counts, deployments with rollout state, recent events ({@code aws ecs describe-services}). */
    public ServiceStatus status() {
        DescribeServicesResponse r = aws.call("ecs:DescribeServices", where(),
                () -> ecs().describeServices(b -> b.cluster(cluster).services(service)));
        Service s = r.services().stream().filter(x -> service.equals(x.serviceName())).findFirst().orElse(null);
        if (s == null || "INACTIVE".equals(s.status())) {
            String reason = r.failures().isEmpty() ? (s == null ? "MISSING" : "INACTIVE") : r.failures().get(0).reason();
            throw OpsException.builder("No ECS service " + service + " in cluster " + cluster + " (" + reason + ")")
                    .service("ecs").environment(context.environment().name()).resource(where())
                    .hint("check ecs.services and ecs.cluster in " + context.environment().source()).notFound();
        }
        return EcsModels.status(cluster, s);
    }

    /**
     * The service's tasks with last status, health, start time and task definition ({@code list-tasks}
     * + {@code describe-tasks}): unhealthy and pending first, newest first ({@link ServiceTasks}).
     * Cost: one DescribeServices, one ListTasks per 100 tasks and one DescribeTasks per 100 tasks.
     */
    public ServiceTasks tasks() {
        status(); // a missing service is a not-found error, not an empty list
        List<String> arns = new ArrayList<>();
        aws.call("ecs:ListTasks", where(), () -> {
            ecs().listTasksPaginator(b -> b.cluster(cluster).serviceName(service)).taskArns().forEach(arns::add);
            return null;
        });
        List<EcsTask> tasks = new ArrayList<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> batch = arns.subList(i, Math.min(arns.size(), i + 100));
            DescribeTasksResponse r = aws.call("ecs:DescribeTasks", where(),
                    () -> ecs().describeTasks(b -> b.cluster(cluster).tasks(batch)));
            r.tasks().forEach(t -> tasks.add(EcsModels.task(t)));
        }
        tasks.sort(ServiceTasks.ATTENTION_FIRST);
        return new ServiceTasks(cluster, service, List.copyOf(tasks));
    }

    /**
     * A rolling restart: ECS starts a new deployment that replaces every running task. Destructive,
     * so it is confirmed: each replaced task drops its connections (a gateway restart disconnects
     * every WebSocket it holds), and there is no undo, only another deployment. The result can
     * {@link EcsDeployment#awaitStable(Duration) await} stability; in a dry run it is planned.
     */
    public EcsDeployment forceRedeploy() {
        ServiceStatus before = status();
        Effect effect = Effect.on("aws", "ecs service " + cluster + "/" + service).verb("force-redeploy")
                .param("cluster", cluster).param("service", service).param("runningTasks", before.runningCount())
                .destructive()
                .command(FORCE_REDEPLOY.with("cluster", cluster).with("service", service))
                .build();
        return context.gate().apply(effect, () -> {
            java.time.Instant requested = java.time.Instant.now();
            UpdateServiceResponse r = aws.call("ecs:UpdateService", where(),
                    () -> ecs().updateService(b -> b.cluster(cluster).service(service).forceNewDeployment(true)));
            ServiceStatus after = EcsModels.status(cluster, r.service());
            ServiceStatus.Deployment primary = after.primaryDeployment();
            return new EcsDeployment(this, primary == null ? null : primary.id(),
                    primary == null || primary.createdAt() == null ? requested : primary.createdAt(), after, false, effect);
        }, () -> new EcsDeployment(this, null, null, before, true, effect));
    }

    /**
     * Waits until the service is stable, with progress: its PRIMARY deployment's rolloutState is
     * COMPLETED (where ECS reports a rollout state) and, as {@code aws ecs wait services-stable}
     * checks, it is the only deployment and runs as many tasks as desired. A FAILED rollout (the
     * deployment circuit breaker tripped: as many tasks failed to start or failed their health
     * checks as max(3, min(200, half the desired count))) ends the wait at once with ECS's reason,
     * also when the breaker's rollback has made the previous deployment PRIMARY again. A null
     * {@code timeout} means {@link #defaultStableTimeout(int)} for the service's desired count.
     * Cost: one DescribeServices per check, checks 2 s apart growing to 15 s.
     */
    public Awaited<ServiceStatus> awaitStable(Duration timeout) {
        return awaitStable(null, null, timeout);
    }

    /** {@link #awaitStable(Duration)} with the timeout derived from the task count. */
    public Awaited<ServiceStatus> awaitStable() {
        return awaitStable((Duration) null);
    }

    /**
     * How long a rollout of {@code desiredTasks} may take before waiting is given up: 5 minutes plus
     * 10 seconds a task, at most an hour (3 tasks: 5.5 min; 300 tasks: 55 min).
     */
    public static Duration defaultStableTimeout(int desiredTasks) {
        Duration d = STABLE_TIMEOUT_BASE.plus(STABLE_TIMEOUT_PER_TASK.multipliedBy(Math.max(0, desiredTasks)));
        return d.compareTo(STABLE_TIMEOUT_MAX) > 0 ? STABLE_TIMEOUT_MAX : d;
    }

    Awaited<ServiceStatus> awaitStable(String deploymentId, java.time.Instant deploymentCreated, Duration timeout) {
        ServiceStatus first = status();
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw OpsException.builder("A positive timeout is needed to wait for " + service + " (got " + timeout + ")")
                    .hint("for example minutes(10), or leave it out for the default from the task count").invalidInput();
        }
        Duration wait = timeout != null ? timeout : defaultStableTimeout(first.desiredCount());
        return Poller.<ServiceStatus>of(context, "Waiting for " + service + " to be stable")
                .until("stable", s -> rolledOut(s.primaryDeployment()) && s.isStable()
                        && isOurs(s.primaryDeployment(), deploymentId, deploymentCreated))
                .failWhen(s -> {
                    // ours FAILED, even when a rollback made another deployment PRIMARY since
                    ServiceStatus.Deployment p = s.deployments().stream()
                            .filter(d -> "FAILED".equals(d.rolloutState()))
                            .filter(d -> deploymentId == null ? d == s.primaryDeployment() : deploymentId.equals(d.id()))
                            .findFirst().orElse(null);
                    if (p == null) return null;
                    return "deployment " + p.id() + " FAILED: " + p.rolloutStateReason()
                            + " (deployment circuit breaker " + (s.circuitBreaker() == null ? "off" : s.circuitBreaker()) + ", "
                            + p.failedTasks() + " failed tasks)";
                })
                .describe(s -> s.runningCount() + "/" + s.desiredCount() + " running, " + s.pendingCount() + " pending, "
                        + s.deployments().size() + " deployment(s)"
                        + (s.events().isEmpty() ? "" : "; latest event: " + s.events().get(0).message()))
                .progress(ServiceStatus::runningCount, first.desiredCount(), "tasks running")
                .interval(Duration.ofSeconds(2), Duration.ofSeconds(15))
                .poll(this::status, wait);
    }

    /** COMPLETED, or no rollout state at all (services not using the ECS deployment controller). */
    private static boolean rolledOut(ServiceStatus.Deployment primary) {
        return primary == null || primary.rolloutState() == null || "COMPLETED".equals(primary.rolloutState());
    }

    /**
     * Right after update-service, describe-services may still show the old deployment alone and
     * stable; only our deployment (or a newer one that superseded it) counts.
     */
    private static boolean isOurs(ServiceStatus.Deployment primary, String deploymentId, java.time.Instant created) {
        if (deploymentId == null) return true;
        if (primary == null) return false;
        if (deploymentId.equals(primary.id())) return true;
        return created != null && primary.createdAt() != null && primary.createdAt().isAfter(created);
    }

    @Override
    public String toString() {
        return "ecs service " + cluster + "/" + service;
    }
}
