package io.discordination.ops.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database runbooks through the {@code ops} command line against the sandbox: run-migrations
 * (the migrate task started and followed, a failing migration failing the run), create-db-backup
 * and restore-db-backup (snapshots and restored instances read with an RDS client built here),
 * connection-pool-exhaustion (idle connections opened and watched with JDBC). Plans change
 * nothing; the destructive one refuses without a terminal.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class DatabaseRunbooksTest {
    /** One OPS_HOME for the class, so each script compiles once. */
    @TempDir
    static Path home;

    // --- run-migrations ---

    @Test
    void plan_whenMigrationsArePlanned_showsTheRunTaskInThePrivateSubnetsAndStartsNoTask(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        int before = ops.tasksOf(SeedData.MIGRATE_TASK_FAMILY).size();

        Cli.Result r = ops.plan("run-migrations");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("would: run-task ecs task discordination-migrate in discordination-prod",
                "aws ecs run-task --cluster discordination-prod --task-definition discordination-migrate",
                "subnets=[" + String.join(",", sandbox.privateSubnets()) + "],securityGroups=[" + sandbox.dbSg() + "]",
                "Nothing was changed.");
        assertThat(ops.tasksOf(SeedData.MIGRATE_TASK_FAMILY)).hasSize(before);
    }

    @Test
    void run_whenTheMigrationSucceeds_runsTheMigrateTaskWithItsOwnCommandUntilItStops(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Set<String> before = arns(ops.tasksOf(SeedData.MIGRATE_TASK_FAMILY));

        Cli.Result r = ops.run("run-migrations");

        assertThat(r.exitCode()).as(r.all()).isZero();
        List<Task> started = newTasks(ops.tasksOf(SeedData.MIGRATE_TASK_FAMILY), before);
        assertThat(started).singleElement().satisfies(task -> {
            assertThat(task.lastStatus()).isEqualTo("STOPPED");
            assertThat(AreaARunbookSupport.exitCode(task)).isZero();
            assertThat(AreaARunbookSupport.commandOverride(task)).as("the task definition's own command").isEmpty();
            assertThat(task.launchTypeAsString()).isEqualTo("FARGATE");
            assertThat(AreaARunbookSupport.subnet(task)).isIn(sandbox.privateSubnets());
            assertThat(r.out()).contains(task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1), "exit code        0");
        });
    }

    @Test
    void run_whenNoTerminalCanConfirmTheMigrations_refusesWithExitThreeAndStartsNoTask(SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        int before = ops.tasksOf(SeedData.MIGRATE_TASK_FAMILY).size();

        Cli.Result r = ops.runWithoutTerminal("run-migrations");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("run-task ecs task discordination-migrate");
        assertThat(ops.tasksOf(SeedData.MIGRATE_TASK_FAMILY)).hasSize(before);
    }

    @Test
    void run_whenTheMigrationFails_failsTheRunWithTheTasksExitCode(SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Set<String> before = arns(ops.tasksOf(SeedData.MIGRATE_TASK_FAMILY));
        // the sandbox's ECS simulator makes the next migration exit 1 when this file exists
        Files.createFile(sandbox.sandboxDir().resolve("fail-next-migration"));

        Cli.Result r = ops.run("run-migrations");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        List<Task> started = newTasks(ops.tasksOf(SeedData.MIGRATE_TASK_FAMILY), before);
        assertThat(started).singleElement().satisfies(task -> {
            assertThat(AreaARunbookSupport.exitCode(task)).isEqualTo(1);
            assertThat(r.err()).contains("step 2 'Run the migrate task and follow its logs until it stops' failed",
                    "The migrate task " + task.taskArn().substring(task.taskArn().lastIndexOf('/') + 1) + " failed with exit code 1");
        });
    }

    // --- create-db-backup ---

    @Test
    void plan_whenABackupIsPlanned_namesTheSnapshotAndTakesNone(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Set<String> before = snapshotIds(ops);

        Cli.Result r = ops.plan("create-db-backup");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("would: create-snapshot rds instance discordination-prod",
                "$ aws rds create-db-snapshot --db-instance-identifier discordination-prod --db-snapshot-identifier manual-",
                "Nothing was changed.");
        assertThat(snapshotIds(ops)).isEqualTo(before);
    }

    @Test
    void run_whenABackupIsTaken_createsAnAvailableManualSnapshot(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Set<String> before = snapshotIds(ops);

        Cli.Result r = ops.run("create-db-backup");

        assertThat(r.exitCode()).as(r.all()).isZero();
        List<DBSnapshot> created = snapshots(ops).stream().filter(s -> !before.contains(s.dbSnapshotIdentifier())).toList();
        assertThat(created).singleElement().satisfies(s -> {
            assertThat(s.dbSnapshotIdentifier()).matches("manual-\\d{8}-\\d{6}");
            assertThat(s.dbInstanceIdentifier()).isEqualTo(SeedData.DB_INSTANCE);
            assertThat(s.status()).isEqualTo("available");
            assertThat(r.out()).contains(s.dbSnapshotIdentifier(), "held after");
        });
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void resume_whenKilledAfterTheSnapshotWasTaken_skipsTheStepAndVerifiesTheSnapshotItTook(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Cli.Result first = ops.run("create-db-backup");
        assertThat(first.exitCode()).as(first.all()).isZero();
        String runId = ops.cutJournalAfter(first, "Manual RDS snapshot");
        Set<String> before = snapshotIds(ops);

        Cli.Result resumed = ops.resume("create-db-backup", runId);

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.out()).contains("2. Manual RDS snapshot  [action: skipped, finished in run " + runId + "]", "held after");
        assertThat(snapshotIds(ops)).as("no second snapshot").isEqualTo(before);
    }

    // --- restore-db-backup ---

    @Test
    void plan_whenARestoreIsPlanned_listsSnapshotsAndPicksTheNewestWithoutRestoring(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        String newest = snapshots(ops).stream().filter(s -> "available".equals(s.status()))
                .max(Comparator.comparing(DBSnapshot::snapshotCreateTime)).orElseThrow().dbSnapshotIdentifier();

        Cli.Result r = ops.plan("restore-db-backup", "target=restore-planned");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("1. List available snapshots  [check]", newest,
                "would: restore-from-snapshot rds instance restore-planned",
                "--db-instance-identifier restore-planned --db-snapshot-identifier " + newest + " --db-instance-class db.r6g.large",
                "Nothing was changed.");
        assertThat(instance(ops, "restore-planned")).isEmpty();
    }

    @Test
    void run_whenNoSnapshotIsNamed_restoresTheNewestToANewInstance(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        String newest = snapshots(ops).stream().filter(s -> "available".equals(s.status()))
                .max(Comparator.comparing(DBSnapshot::snapshotCreateTime)).orElseThrow().dbSnapshotIdentifier();

        Cli.Result r = ops.run("restore-db-backup", "target=restore-newest");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("restore of " + newest + " to restore-newest", "held after");
        assertThat(instance(ops, "restore-newest")).hasValueSatisfying(i -> {
            assertThat(i.dbInstanceStatus()).isEqualTo("available");
            assertThat(i.dbInstanceClass()).isEqualTo("db.r6g.large");
        });
        assertThat(instance(ops, SeedData.DB_INSTANCE)).as("the original is left alone")
                .hasValueSatisfying(i -> assertThat(i.dbInstanceStatus()).isEqualTo("available"));
    }

    @Test
    void run_whenASnapshotAndClassAreNamed_restoresThatSnapshotWithThatClass(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        String oldest = snapshots(ops).stream().filter(s -> "manual".equals(s.snapshotType()))
                .min(Comparator.comparing(DBSnapshot::snapshotCreateTime)).orElseThrow().dbSnapshotIdentifier();

        Cli.Result r = ops.run("restore-db-backup", "snapshot=" + oldest, "target=restore-chosen", "instance-class=db.r6g.xlarge");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("restore of " + oldest + " to restore-chosen");
        assertThat(instance(ops, "restore-chosen")).hasValueSatisfying(i -> assertThat(i.dbInstanceClass()).isEqualTo("db.r6g.xlarge"));
    }

    @Test
    void run_whenTheTargetInstanceExists_failsAsBadInputAndRestoresNothing(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        int snapshotsBefore = snapshots(ops).size();

        Cli.Result r = ops.run("restore-db-backup", "target=" + SeedData.DB_INSTANCE);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains(SeedData.DB_INSTANCE, "exists");
        assertThat(instance(ops, SeedData.DB_INSTANCE)).hasValueSatisfying(i -> assertThat(i.dbInstanceStatus()).isEqualTo("available"));
        assertThat(snapshots(ops)).hasSize(snapshotsBefore);
    }

    private static List<DBSnapshot> snapshots(AreaARunbookSupport ops) {
        try (RdsClient rds = ops.aws(RdsClient.builder())) {
            List<DBSnapshot> all = new ArrayList<>();
            rds.describeDBSnapshotsPaginator(b -> b.dbInstanceIdentifier(SeedData.DB_INSTANCE)).dbSnapshots().forEach(all::add);
            return all;
        }
    }

    private static Set<String> snapshotIds(AreaARunbookSupport ops) {
        return snapshots(ops).stream().map(DBSnapshot::dbSnapshotIdentifier).collect(Collectors.toSet());
    }

    private static Optional<DBInstance> instance(AreaARunbookSupport ops, String id) {
        try (RdsClient rds = ops.aws(RdsClient.builder())) {
            return rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().stream().findFirst();
        } catch (DbInstanceNotFoundException e) {
            return Optional.empty();
        }
    }

    // --- connection-pool-exhaustion ---

    @Test
    void plan_whenConnectionsAreIdle_countsThemByStateAndNamesWhoWouldBeTerminated(SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        List<Connection> idle = openIdle(ops, "pool-test-plan", 3);
        try {
            Cli.Result r = ops.plan("connection-pool-exhaustion", "idle-for=1s");

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.out()).contains("STATE", "idle", "max_connections",
                    "would: terminate-idle-connections database discordination", "(destructive)",
                    "interval '1s'", "Scale up: increase db_max_connections in Terraform vars  [advice]", "Nothing was changed.");
            assertThat(r.out()).contains("3. Check idle connections older than idle-for  [check]");
            String listed = r.out().substring(r.out().indexOf("3. Check idle connections"), r.out().indexOf("4. Kill idle connections"));
            for (int pid : pids(idle)) assertThat(listed).contains(" " + pid + " ");
            assertThat(alive(idle)).containsExactly(true, true, true);
            assertThat(backends(ops)).containsAll(pids(idle));
        } finally {
            closeAll(idle);
        }
    }

    @Test
    void plan_asJson_whenConnectionsAreChecked_countsEachStepsPostgresStatements(SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);

        Cli.Result r = ops.planJson("connection-pool-exhaustion", "idle-for=1h");

        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode steps = Json.mapper().readTree(r.out()).get("steps");
        // connections by state, then utilization: one SELECT each, and no Redis
        assertThat(steps.get(0).path("postgresStatements").toString()).isEqualTo("{\"SELECT\":1}");
        assertThat(steps.get(1).path("postgresStatements").toString()).isEqualTo("{\"SELECT\":1}");
        assertThat(steps.get(0).path("redisCommands").isEmpty()).isTrue();
        // the sessions, and the plan of the termination: one read of pg_stat_activity each, whatever their number
        assertThat(steps.get(2).path("postgresStatements").toString()).isEqualTo("{\"SELECT\":1}");
        assertThat(steps.get(3).path("title").asText()).isEqualTo("Kill idle connections");
        assertThat(steps.get(3).path("postgresStatements").toString()).isEqualTo("{\"SELECT\":1}");
    }

    @Test
    void run_whenConfirmedWithYes_terminatesTheIdleConnectionsAndVerifiesTheyAreGone(SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        List<Connection> idle = openIdle(ops, "pool-test-run", 3);
        try {
            List<Integer> pids = pids(idle);

            Cli.Result r = ops.run("connection-pool-exhaustion", "idle-for=1s");

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.out()).contains("Terminated ", "held after");
            assertThat(backends(ops)).doesNotContainAnyElementsOf(pids);
            assertThat(alive(idle)).containsOnly(false);
        } finally {
            closeAll(idle);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void resume_whenKilledAfterTheTermination_skipsItAndVerifiesTheConnectionsItTerminated(SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        List<Connection> idle = openIdle(ops, "pool-test-resume", 2);
        try {
            List<Integer> pids = pids(idle);
            Cli.Result first = ops.run("connection-pool-exhaustion", "idle-for=1s");
            assertThat(first.exitCode()).as(first.all()).isZero();
            String runId = ops.cutJournalAfter(first, "Kill idle connections");

            Cli.Result resumed = ops.resume("connection-pool-exhaustion", runId);

            assertThat(resumed.exitCode()).as(resumed.all()).isZero();
            assertThat(resumed.out()).contains("4. Kill idle connections  [action: skipped, finished in run " + runId + "]",
                    "held after");
            assertThat(backends(ops)).doesNotContainAnyElementsOf(pids);
        } finally {
            closeAll(idle);
        }
    }

    @Test
    void run_whenNoTerminalCanConfirmTheTermination_refusesWithExitThreeAndKeepsTheConnections(SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        List<Connection> idle = openIdle(ops, "pool-test-refused", 2);
        try {
            Cli.Result r = ops.runWithoutTerminal("connection-pool-exhaustion", "idle-for=1s");

            assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
            assertThat(r.err()).contains("Refused: terminate-idle-connections");
            assertThat(alive(idle)).containsExactly(true, true);
            assertThat(backends(ops)).containsAll(pids(idle));
        } finally {
            closeAll(idle);
        }
    }

    /** {@code n} connections that have done one query and sit idle for longer than a second. */
    private static List<Connection> openIdle(AreaARunbookSupport ops, String application, int n) throws SQLException, InterruptedException {
        List<Connection> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(ops.database(application));
        for (Connection c : out) {
            try (var st = c.createStatement()) {
                st.execute("SELECT 1");
            }
        }
        Thread.sleep(1500); // idle-for=1s: older than the threshold the runbook is given
        return out;
    }

    private static List<Integer> pids(List<Connection> connections) throws SQLException {
        List<Integer> pids = new ArrayList<>();
        for (Connection c : connections) pids.add(c.unwrap(org.postgresql.PGConnection.class).getBackendPID());
        return pids;
    }

    /** Whether each connection still reaches its backend (a query on it, not a look at pg_stat_activity). */
    private static List<Boolean> alive(List<Connection> connections) {
        List<Boolean> out = new ArrayList<>();
        for (Connection c : connections) {
            try (var st = c.createStatement()) {
                st.execute("SELECT 1");
                out.add(true);
            } catch (SQLException e) {
                out.add(false);
            }
        }
        return out;
    }

    /** The backends connected to the database, read on a fresh connection of the test's own. */
    private static Set<Integer> backends(AreaARunbookSupport ops) throws SQLException {
        try (Connection c = ops.database("pool-test-watcher");
             PreparedStatement st = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = ?")) {
            st.setString(1, SeedData.DATABASE);
            Set<Integer> pids = new HashSet<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) pids.add(rs.getInt(1));
            }
            return pids;
        }
    }

    private static void closeAll(List<Connection> connections) {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // a terminated connection may not close cleanly
            }
        }
    }

    private static Set<String> arns(List<Task> tasks) {
        return tasks.stream().map(Task::taskArn).collect(Collectors.toSet());
    }

    private static List<Task> newTasks(List<Task> now, Set<String> before) {
        return now.stream().filter(t -> !before.contains(t.taskArn())).toList();
    }
}
