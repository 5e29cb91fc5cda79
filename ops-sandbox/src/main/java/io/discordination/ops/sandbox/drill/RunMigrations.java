package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.cloudwatchlogs.model.OrderBy;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * run-migrations: the deploy's migration failed. The last {@code discordination-migrate} task
 * stopped with exit code 1 and its log ends in Postgrex's lock timeout ({@code 55P03
 * lock_not_available}) and "Migration 20261128093000 failed, rolled back"; the release waits for
 * its schema. Running the migrations again (the lock is gone) ends it.
 *
 * <pre>{@code Scenarios.byName("run-migrations")}</pre>
 */
public final class RunMigrations implements Scenario {
    private static final Duration TASK_RUN_LIMIT = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "run-migrations";
    }

    @Override
    public String symptoms() {
        return "The deploy's migration task failed; the new release errors on the column it expects.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) throws Exception {
        var info = sandbox.info();
        String arn = sandbox.aws().ecs().runTask(r -> r.cluster(SeedData.CLUSTER).taskDefinition(SeedData.MIGRATE_TASK_FAMILY)
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(info.privateSubnets()).securityGroups(info.dbSg())
                        .assignPublicIp(AssignPublicIp.DISABLED)))
                .overrides(o -> o.containerOverrides(c -> c.name("migrate")
                        .environment(KeyValuePair.builder().name("SANDBOX_EXIT_CODE").value("1").build()))))
                .tasks().get(0).taskArn();
        // the ECS simulator plays the task: its log lines, then it stops with the exit code
        long deadline = System.nanoTime() + TASK_RUN_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Task task = sandbox.aws().ecs().describeTasks(r -> r.cluster(SeedData.CLUSTER).tasks(arn)).tasks().get(0);
            if ("STOPPED".equals(task.lastStatus())) return;
            Thread.sleep(250);
        }
        throw new IllegalStateException("the failing migrate task did not stop within " + TASK_RUN_LIMIT.toSeconds() + " s (is the sandbox agent running?)");
    }

    /** Every migrate task, newest first. */
    static List<Task> migrateTasks(SandboxAccess sandbox) {
        List<String> arns = new ArrayList<>();
        for (DesiredStatus status : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
            arns.addAll(sandbox.aws().ecs().listTasks(r -> r.cluster(SeedData.CLUSTER).family(SeedData.MIGRATE_TASK_FAMILY)
                    .desiredStatus(status)).taskArns());
        }
        if (arns.isEmpty()) return List.of();
        List<Task> tasks = new ArrayList<>(sandbox.aws().ecs().describeTasks(r -> r.cluster(SeedData.CLUSTER).tasks(arns)).tasks());
        tasks.sort(Comparator.comparing(Task::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        return tasks;
    }

    @Override
    public List<Probe> probes() {
        return List.of(
                new Probe("the newest migrate task exited 0", s -> {
                    List<Task> tasks = migrateTasks(s);
                    if (tasks.isEmpty()) return Observation.fail("no migrate task");
                    Task newest = tasks.get(0);
                    Integer exit = newest.containers().isEmpty() ? null : newest.containers().get(0).exitCode();
                    String id = newest.taskArn().substring(newest.taskArn().lastIndexOf('/') + 1);
                    return Observation.of("STOPPED".equals(newest.lastStatus()) && exit != null && exit == 0,
                            "task " + id + " " + newest.lastStatus() + ", exit code " + exit);
                }),
                new Probe("the newest migrate log ends with the migrations finished", s -> {
                    var streams = s.aws().logs().describeLogStreams(r -> r.logGroupName(SeedData.LOG_GROUP_MIGRATE)
                            .orderBy(OrderBy.LAST_EVENT_TIME).descending(true).limit(1)).logStreams();
                    if (streams.isEmpty()) return Observation.fail("no log stream in " + SeedData.LOG_GROUP_MIGRATE);
                    String stream = streams.get(0).logStreamName();
                    var events = s.aws().logs().getLogEvents(r -> r.logGroupName(SeedData.LOG_GROUP_MIGRATE).logStreamName(stream)
                            .startFromHead(true)).events();
                    String last = events.isEmpty() ? "(empty)" : events.get(events.size() - 1).message();
                    boolean finished = events.stream().anyMatch(e -> e.message().contains("Migrations finished"));
                    return Observation.of(finished, stream + ": " + last);
                }));
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO);
    }
}
