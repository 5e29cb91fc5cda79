package io.discordination.ops.ecs;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.aws.AwsCommand;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.aws.Poller;
import io.discordination.ops.aws.ShortNames;
import io.discordination.ops.gate.Effect;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DescribeTasksResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.UpdateServiceResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One ECS service of the environment, by short name ({@code api}, {@code gateway}): its status and
 * tasks, a rolling restart, and waiting until it is stable again.
 *
 * <pre>{@code ecs("api").forceRedeploy().awaitStable(minutes(10));}</pre>
 */
public final class EcsService {
    static final Duration DEFAULT_STABLE_TIMEOUT = Duration.ofMinutes(10);

    private final OpsContext context;
    private final String cluster;
    private final String service;
    private final AwsErrors aws;

    /** The service called {@code name} in the environment ({@code ecs.services}); an unknown name fails here, before any call. */
    public EcsService(OpsContext context, String name) {
        this.context = context;
        this.cluster = context.environment().string("ecs.cluster");
        this.service = ShortNames.resolve(context.environment(), "ecs.services", name, "ECS service");
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
        return context.awsClient(EcsClient.class, EcsClient::builder);
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

    /** The service's tasks with last status, health, start time and task definition ({@code list-tasks} + {@code describe-tasks}). */
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
        tasks.sort(Comparator.comparing(EcsTask::startedAt, Comparator.nullsLast(Comparator.naturalOrder())));
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
        String command = AwsCommand.of("ecs", "update-service").option("--cluster", cluster).option("--service", service)
                .flag("--force-new-deployment").toString();
        Effect effect = Effect.on("aws", "ecs service " + cluster + "/" + service).verb("force-redeploy")
                .param("cluster", cluster).param("service", service).param("runningTasks", before.runningCount())
                .destructive()
                .command(command)
                .build();
        return context.gate().apply(effect, () -> {
            java.time.Instant requested = java.time.Instant.now();
            UpdateServiceResponse r = aws.call("ecs:UpdateService", where(),
                    () -> ecs().updateService(b -> b.cluster(cluster).service(service).forceNewDeployment(true)));
            ServiceStatus after = EcsModels.status(cluster, r.service());
            ServiceStatus.Deployment primary = after.primaryDeployment();
            return new EcsDeployment(this, primary == null ? null : primary.id(),
                    primary == null || primary.createdAt() == null ? requested : primary.createdAt(), after, false);
        }, () -> new EcsDeployment(this, null, null, before, true));
    }

    /** Waits until the service is stable (one deployment, running = desired), with progress. */
    public Awaited<ServiceStatus> awaitStable(Duration timeout) {
        return awaitStable(null, null, timeout);
    }

    public Awaited<ServiceStatus> awaitStable() {
        return awaitStable(DEFAULT_STABLE_TIMEOUT);
    }

    Awaited<ServiceStatus> awaitStable(String deploymentId, java.time.Instant deploymentCreated, Duration timeout) {
        ServiceStatus first = status();
        return Poller.<ServiceStatus>of(context, "Waiting for " + service + " to be stable")
                .until("stable", s -> s.isStable() && isOurs(s.primaryDeployment(), deploymentId, deploymentCreated))
                .failWhen(s -> {
                    ServiceStatus.Deployment p = s.primaryDeployment();
                    return p != null && "FAILED".equals(p.rolloutState())
                            ? "deployment " + p.id() + " failed: " + p.rolloutStateReason() : null;
                })
                .describe(s -> s.runningCount() + "/" + s.desiredCount() + " running, " + s.pendingCount() + " pending, "
                        + s.deployments().size() + " deployment(s)"
                        + (s.events().isEmpty() ? "" : "; latest event: " + s.events().get(0).message()))
                .progress(ServiceStatus::runningCount, first.desiredCount(), "tasks running")
                .interval(Duration.ofSeconds(2), Duration.ofSeconds(15))
                .poll(this::status, timeout);
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
