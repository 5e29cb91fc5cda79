package io.discordination.ops.ecs;

import io.discordination.ops.Json;
import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.logs.LogGroup;
import io.discordination.ops.topology.EcsTopology;
import io.discordination.ops.topology.LogsTopology;
import io.discordination.ops.topology.Setting;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerOverride;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The environment's ECS cluster: its services, and one-off tasks (migrations, the cleanup run)
 * started with the environment's network configuration.
 *
 * <pre>{@code
 * EcsTaskRun run = ecs().runTask("migrate");
 * run.follow().print();
 * run.awaitStopped(minutes(15)).result().exitCode();
 * }</pre>
 */
public final class EcsCluster {
    /**
     * {@link #runTask}: one task of the definition, with the same network and overrides. Without ops's
     * {@code --started-by}, which names the ops run: a task started by hand is not that run's.
     */
    public static final CommandTemplate RUN_TASK = CommandTemplate.of("aws ecs run-task --cluster <cluster>"
            + " --task-definition <task_definition> --launch-type <launch_type> [--network-configuration <network_configuration>]"
            + " [--overrides <overrides>]");
    private static final CommandTemplate STOP_TASK = CommandTemplate.of("aws ecs stop-task --cluster <cluster> --task \"$TASK_ARN\"");
    private static final String CLEANUP = "cleanup";
    private static final String MIGRATE = "migrate";

    private final EcsTopology ecs;
    private final LogsTopology logs;
    private final EcsClient client;
    private final Function<String, LogGroup> logGroups;
    private final HandleContext context;
    private final String cluster;
    private final AwsErrors aws;

    /**
     * The cluster of {@code ecs}; a task's logs are read through {@code logGroups} (a log group by
     * its real name), found by its task definition or else by its short name in {@code logs}.
     */
    public EcsCluster(EcsTopology ecs, LogsTopology logs, EcsClient client, Function<String, LogGroup> logGroups, HandleContext context) {
        this.ecs = ecs;
        this.logs = logs;
        this.client = client;
        this.logGroups = logGroups;
        this.context = context;
        this.cluster = ecs.cluster().required();
        this.aws = AwsErrors.of(context.environment(), "ecs");
    }

    public String name() {
        return cluster;
    }

    public EcsService service(String name) {
        return new EcsService(ecs, client, context, name);
    }

    EcsClient ecs() {
        return client;
    }

    HandleContext context() {
        return context;
    }

    AwsErrors aws() {
        return aws;
    }

    /** Runs a one-off task with its task definition's own command. */
    public EcsTaskRun runTask(String taskDefinition) {
        return runTask(taskDefinition, TaskOverrides.none());
    }

    /**
     * Runs a one-off task ({@code aws ecs run-task}) of {@code taskDefinition}: a short name from
     * {@code ecs.taskDefinitions} ({@code migrate}, {@code cleanup}) or a family, in the
     * environment's subnets and security groups ({@code ecs.network}). Not destructive in itself:
     * what it changes is up to the task; the exceptions are confirmed: the migrations (a schema
     * change cannot be taken back by stopping the task) and a cleanup run without
     * {@code --dry-run}, which deletes files. Inverse: {@code aws ecs stop-task} stops it, but what
     * it already did stays done.
     */
    public EcsTaskRun runTask(String taskDefinition, TaskOverrides overrides) {
        TaskOverrides o = overrides == null ? TaskOverrides.none() : overrides;
        String shortName = null;
        String family;
        if (taskDefinition == null || taskDefinition.isBlank()) {
            throw OpsException.builder("A task definition is needed").environment(context.environment().name())
                    .hint("known: " + String.join(", ", ecs.taskDefinitions().keySet())).invalidInput();
        }
        if (ecs.taskDefinitions().containsKey(taskDefinition)) {
            shortName = taskDefinition;
            family = ecs.taskDefinitions().get(taskDefinition).required();
        } else {
            family = taskDefinition;
            for (var known : ecs.taskDefinitions().entrySet()) {
                if (known.getValue().optional().filter(family::equals).isPresent()) shortName = known.getKey();
            }
        }
        TaskDefinition def = describeTaskDefinition(family);
        ContainerDefinition main = def.containerDefinitions().stream()
                .filter(c -> c.essential() == null || c.essential()).findFirst()
                .orElse(def.containerDefinitions().isEmpty() ? null : def.containerDefinitions().get(0));
        if (main == null) {
            throw OpsException.builder("Task definition " + family + " has no container").service("ecs")
                    .environment(context.environment().name()).build();
        }
        LaunchType launchType = launchType(def);
        NetworkConfiguration network = needsNetwork(def) ? network(family) : null;

        RunTaskRequest.Builder request = RunTaskRequest.builder().cluster(cluster).taskDefinition(family)
                .launchType(launchType).startedBy(startedBy());
        if (network != null) request.networkConfiguration(network);
        if (!o.isEmpty()) {
            ContainerOverride.Builder co = ContainerOverride.builder().name(main.name());
            if (!o.command().isEmpty()) co.command(o.command());
            if (!o.environment().isEmpty()) {
                co.environment(o.environment().entrySet().stream()
                        .map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build()).toList());
            }
            request.overrides(b -> b.containerOverrides(co.build()));
        }
        RunTaskRequest built = request.build();

        boolean destructive = MIGRATE.equals(shortName) || CLEANUP.equals(shortName) && !o.command().contains("--dry-run");
        Effect effect = Effect.on("aws", "ecs task " + family + " in " + cluster).verb("run-task")
                .param("cluster", cluster).param("taskDefinition", family).param("launchType", launchType.toString())
                .param("command", o.command().isEmpty() ? null : String.join(" ", o.command()))
                .destructive(destructive)
                .inverse(STOP_TASK.with("cluster", cluster).render()
                        + ", TASK_ARN being the started task's (stops it; what it already did stays done)")
                .command(command(family, launchType, network, main.name(), o))
                .build();
        LogTarget logs = logTarget(main, shortName);
        return context.gate().apply(effect, () -> {
            RunTaskResponse r = aws.call("ecs:RunTask", "task definition " + family + " in cluster " + cluster,
                    () -> ecs().runTask(built));
            if (r.tasks().isEmpty()) {
                String why = r.failures().isEmpty() ? "no task started" : r.failures().get(0).arn() + ": " + r.failures().get(0).reason();
                throw OpsException.builder("ECS did not start " + family + ": " + why).service("ecs")
                        .environment(context.environment().name()).resource(cluster)
                        .hint("check the cluster's capacity and the network configuration (ecs.network)").build();
            }
            return new EcsTaskRun(this, EcsModels.task(r.tasks().get(0)), family, main.name(), logs.group(), logs.streamPrefix(), false, effect);
        }, () -> new EcsTaskRun(this, null, family, main.name(), logs.group(), logs.streamPrefix(), true, effect));
    }

    /**
     * The cleanup daemon as a one-shot run ({@code discordination-cleanup --once}), with
     * {@code --dry-run} when {@code dryRun}: the dry run only reports what it would delete and is
     * not confirmed; the real run deletes files and is.
     */
    public EcsTaskRun runCleanup(boolean dryRun) {
        return runTask(CLEANUP, dryRun ? TaskOverrides.command("--once", "--dry-run") : TaskOverrides.command("--once"));
    }

    /** One task of this cluster by id or ARN. */
    public EcsTask task(String taskIdOrArn) {
        var r = aws.call("ecs:DescribeTasks", "task " + taskIdOrArn + " in cluster " + cluster,
                () -> ecs().describeTasks(b -> b.cluster(cluster).tasks(taskIdOrArn)));
        if (r.tasks().isEmpty()) {
            throw OpsException.builder("No task " + taskIdOrArn + " in cluster " + cluster).service("ecs")
                    .environment(context.environment().name()).hint("ECS forgets stopped tasks after about an hour").notFound();
        }
        return EcsModels.task(r.tasks().get(0));
    }

    private TaskDefinition describeTaskDefinition(String family) {
        try {
            return aws.call("ecs:DescribeTaskDefinition", "task definition " + family,
                    () -> ecs().describeTaskDefinition(b -> b.taskDefinition(family)).taskDefinition());
        } catch (OpsException e) {
            if (e.getCause() instanceof ClientException) {
                throw OpsException.builder("No task definition " + family + " in environment " + context.environment().name())
                        .service("ecs").environment(context.environment().name()).resource(family)
                        .hint("known short names: " + String.join(", ", ecs.taskDefinitions().keySet()))
                        .cause(e.getCause()).notFound();
            }
            throw e;
        }
    }

    private LaunchType launchType(TaskDefinition def) {
        String configured = ecs.launchType().optional().orElse(null);
        if (configured != null) return LaunchType.fromValue(configured.toUpperCase(java.util.Locale.ROOT));
        if (def.requiresCompatibilitiesAsStrings().contains("FARGATE") || def.requiresCompatibilitiesAsStrings().isEmpty()) {
            return LaunchType.FARGATE;
        }
        return LaunchType.EC2;
    }

    private static boolean needsNetwork(TaskDefinition def) {
        String mode = def.networkModeAsString();
        return "awsvpc".equals(mode) || (mode == null && def.requiresCompatibilitiesAsStrings().contains("FARGATE"));
    }

    private NetworkConfiguration network(String family) {
        List<String> subnets = ecs.network().subnets().values();
        List<String> groups = ecs.network().securityGroups().values();
        if (subnets.isEmpty()) {
            throw OpsException.builder("Task definition " + family + " runs in awsvpc mode but environment "
                            + context.environment().name() + " names no subnets")
                    .hint("set ecs.network.subnets (PRIVATE_SUBNETS) in " + context.environment().source()).invalidInput();
        }
        boolean publicIp = ecs.network().assignPublicIp().flag(false);
        return NetworkConfiguration.builder().awsvpcConfiguration(b -> b.subnets(subnets).securityGroups(groups)
                .assignPublicIp(publicIp ? AssignPublicIp.ENABLED : AssignPublicIp.DISABLED)).build();
    }

    private String startedBy() {
        // ECS allows 36 letters, digits, hyphens and underscores: enough to find the run in the audit log
        String id = ("ops-" + context.runId()).replaceAll("[^A-Za-z0-9_-]", "-");
        return id.length() > 36 ? id.substring(0, 36) : id;
    }

    private CommandTemplate.Values command(String family, LaunchType launchType, NetworkConfiguration network, String container,
                                           TaskOverrides o) {
        String networkConfiguration = null;
        if (network != null) {
            var v = network.awsvpcConfiguration();
            networkConfiguration = "awsvpcConfiguration={subnets=[" + String.join(",", v.subnets())
                    + "],securityGroups=[" + String.join(",", v.securityGroups()) + "],assignPublicIp="
                    + v.assignPublicIpAsString() + "}";
        }
        String overrides = null;
        if (!o.isEmpty()) {
            Map<String, Object> override = new LinkedHashMap<>();
            override.put("name", container);
            if (!o.command().isEmpty()) override.put("command", o.command());
            if (!o.environment().isEmpty()) {
                List<Map<String, String>> env = new ArrayList<>();
                o.environment().forEach((k, v) -> env.add(Map.of("name", k, "value", v)));
                override.put("environment", env);
            }
            overrides = Json.write(Map.of("containerOverrides", List.of(override)));
        }
        return RUN_TASK.with("cluster", cluster).with("task_definition", family).with("launch_type", launchType.toString())
                .with("network_configuration", networkConfiguration).with("overrides", overrides);
    }

    /** Where a task's container writes its logs: the awslogs driver's group and stream prefix. */
    record LogTarget(String group, String streamPrefix) {
    }

    private LogTarget logTarget(ContainerDefinition main, String shortName) {
        var lc = main.logConfiguration();
        String group = null;
        String prefix = null;
        if (lc != null && lc.options() != null) {
            group = lc.options().get("awslogs-group");
            prefix = lc.options().get("awslogs-stream-prefix");
        }
        if (group == null && shortName != null) {
            Setting named = logs.groups().get(shortName);
            group = named == null ? null : named.optional().orElse(null);
        }
        return new LogTarget(group, prefix);
    }

    LogGroup logGroup(String name) {
        return logGroups.apply(name);
    }

    @Override
    public String toString() {
        return "ecs cluster " + cluster;
    }
}
