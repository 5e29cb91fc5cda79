package io.discordination.ops.runbooks;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * For the tests of the service recovery, database and file storage runbooks: the real scripts in
 * {@code runbooks/} planned and run through the {@code ops} command line against the sandbox (in
 * this JVM, or as a child process without a terminal for the refusals), and independent clients
 * to check what they did: AWS SDK clients built here and JDBC.
 *
 * <pre>{@code
 * AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
 * Cli.Result r = ops.run("restore-deleted-file", "file=1183245072950931456");
 * }</pre>
 */
final class AreaARunbookSupport extends SandboxRunbookSupport {
    /** {@code home} is the OPS_HOME of the calls: one per test class, so each script compiles once for the class. */
    AreaARunbookSupport(SandboxInfo sandbox, Path home) {
        super(sandbox, home, Duration.ofMinutes(3));
    }

    // --- independent clients ---

    /** A JDBC connection to the {@code discordination} database as the application role. */
    Connection database(String applicationName) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", sandbox.databaseUser());
        p.setProperty("password", sandbox.databasePassword());
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(sandbox.jdbcUrl(), p);
    }

    /** The ECS service as describe-services shows it now. */
    Service service(String name) {
        try (EcsClient ecs = aws(EcsClient.builder())) {
            return ecs.describeServices(b -> b.cluster(sandbox.cluster()).services(name)).services().get(0);
        }
    }

    /** The service's PRIMARY deployment. */
    Deployment primaryDeployment(String service) {
        return service(service).deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElseThrow();
    }

    /** Every task of a task definition family the cluster knows, running or stopped, oldest first. */
    List<Task> tasksOf(String family) {
        try (EcsClient ecs = aws(EcsClient.builder())) {
            List<String> arns = new ArrayList<>();
            for (DesiredStatus status : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
                ecs.listTasksPaginator(b -> b.cluster(sandbox.cluster()).family(family).desiredStatus(status))
                        .taskArns().forEach(arns::add);
            }
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < arns.size(); i += 100) {
                List<String> batch = arns.subList(i, Math.min(arns.size(), i + 100));
                tasks.addAll(ecs.describeTasks(b -> b.cluster(sandbox.cluster()).tasks(batch)).tasks());
            }
            tasks.sort(Comparator.comparing(Task::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())));
            return tasks;
        }
    }

    /** The command override of a task's first container, empty when it runs its task definition's own command. */
    static List<String> commandOverride(Task task) {
        if (task.overrides() == null) return List.of();
        return task.overrides().containerOverrides().stream().filter(o -> o.hasCommand() && !o.command().isEmpty())
                .findFirst().map(o -> List.copyOf(o.command())).orElse(List.of());
    }

    /** The subnet of the task's network interface (awsvpc mode), or null. */
    static String subnet(Task task) {
        return task.attachments().stream().flatMap(a -> a.details().stream()).filter(d -> "subnetId".equals(d.name()))
                .map(d -> d.value()).findFirst().orElse(null);
    }

    /** The exit code of a task's first container that reports one. */
    static Integer exitCode(Task task) {
        return task.containers().stream().map(c -> c.exitCode()).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }
}
