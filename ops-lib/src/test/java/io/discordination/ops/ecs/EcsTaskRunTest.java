package io.discordination.ops.ecs;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.logs.FollowResult;
import io.discordination.ops.logs.LogEvent;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SandboxExtension.class)
class EcsTaskRunTest {

    private static Task describeTask(SandboxInfo info, String arn) {
        try (EcsClient ecs = SandboxAws.client(info, EcsClient.builder())) {
            return ecs.describeTasks(b -> b.cluster(SeedData.CLUSTER).tasks(arn)).tasks().get(0);
        }
    }

    private static int tasksOfFamily(SandboxInfo info, String family) {
        try (EcsClient ecs = SandboxAws.client(info, EcsClient.builder())) {
            int running = ecs.listTasks(b -> b.cluster(SeedData.CLUSTER).family(family).desiredStatus(DesiredStatus.RUNNING)).taskArns().size();
            int stopped = ecs.listTasks(b -> b.cluster(SeedData.CLUSTER).family(family).desiredStatus(DesiredStatus.STOPPED)).taskArns().size();
            return running + stopped;
        }
    }

    @Test
    void runTask_whenMigrate_runsInTheEnvironmentsNetworkAndStopsWithExitCodeAndLogs(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            EcsTaskRun run = ops.ecs().runTask("migrate");
            Task started = describeTask(info, run.taskArn());
            assertThat(started.taskDefinitionArn()).contains(SeedData.MIGRATE_TASK_FAMILY);
            assertThat(started.launchTypeAsString()).isEqualTo("FARGATE");

            Awaited<EcsTask> stopped = run.awaitStopped(Duration.ofMinutes(2));
            assertThat(stopped.result().isStopped()).isTrue();
            assertThat(stopped.result().exitCode()).isZero();
            assertThat(describeTask(info, run.taskArn()).containers().get(0).exitCode()).isZero();
            assertThat(run.logStream()).isEqualTo("migrate/migrate/" + run.taskId());
            assertThat(run.logs().stream().map(LogEvent::message).toList())
                    .anyMatch(m -> m.contains("Migrations finished"));
            String command = ops.gate().audit().read().get(0).effect().command();
            assertThat(command).contains("aws ecs run-task --cluster discordination-prod --task-definition discordination-migrate")
                    .contains("subnets=[" + String.join(",", info.privateSubnets()) + "]")
                    .contains("securityGroups=[" + info.dbSg() + "]");
        }
    }

    @Test
    void runTask_whenTheTaskFails_reportsItsExitCode(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            EcsTaskRun run = ops.ecs().runTask("migrate", TaskOverrides.none().withEnvironment("SANDBOX_EXIT_CODE", "3"));
            EcsTask done = run.awaitStopped(Duration.ofMinutes(2)).result();
            assertThat(done.exitCode()).isEqualTo(3);
            assertThat(done.stopCode()).isEqualTo("EssentialContainerExited");
        }
    }

    @Test
    void follow_whenTaskStops_endsAfterItsLastLine(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            EcsTaskRun run = ops.ecs().runTask("migrate");
            List<LogEvent> seen = new ArrayList<>();
            FollowResult result = run.follow().pollEvery(Duration.ofMillis(500)).timeout(Duration.ofMinutes(2)).forEach(seen::add);
            assertThat(result.stoppedBecause()).isEqualTo("condition");
            assertThat(seen).extracting(LogEvent::eventId).doesNotHaveDuplicates();
            assertThat(seen.get(seen.size() - 1).message()).contains("exiting with status 0");
            assertThat(seen).extracting(LogEvent::stream).containsOnly(run.logStream());
        }
    }

    @Test
    void runCleanup_whenDryRun_overridesTheCommandAndIsNotConfirmed(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.refusingContext(info, home)) {
            EcsTaskRun run = ops.ecs().runCleanup(true);
            Task started = describeTask(info, run.taskArn());
            assertThat(started.overrides().containerOverrides().get(0).command()).containsExactly("--once", "--dry-run");
            assertThat(run.awaitStopped(Duration.ofMinutes(2)).result().exitCode()).isZero();
            assertThat(run.logs().stream().map(LogEvent::message).toList()).anyMatch(m -> m.contains("dry run: would delete"));
            assertThat(ops.gate().audit().read().get(0).effect().command())
                    .contains("--overrides '{\"containerOverrides\":[{\"name\":\"cleanup\",\"command\":[\"--once\",\"--dry-run\"]}]}'");
        }
    }

    @Test
    void runCleanup_whenForRealWithoutConfirmation_isRefusedAndStartsNothing(SandboxInfo info, @TempDir Path home) {
        int before = tasksOfFamily(info, SeedData.CLEANUP_TASK_FAMILY);
        try (OpsContext ops = SandboxAws.refusingContext(info, home)) {
            assertThatThrownBy(() -> ops.ecs().runCleanup(false)).isInstanceOf(OpsException.RefusedException.class);
        }
        assertThat(tasksOfFamily(info, SeedData.CLEANUP_TASK_FAMILY)).isEqualTo(before);
    }

    @Test
    void runTask_whenTaskDefinitionUnknown_isNotFoundAndStartsNothing(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.ecs().runTask("migrat"))
                    .isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("No task definition migrat")
                    .hasMessageContaining("migrate, cleanup");
            assertThat(ops.gate().audit().read()).isEmpty();
        }
        assertThat(tasksOfFamily(info, "migrat")).isZero();
    }

    @Test
    void runTask_whenDryRun_plansWithoutStartingATask(SandboxInfo info, @TempDir Path home) {
        int before = tasksOfFamily(info, SeedData.MIGRATE_TASK_FAMILY);
        try (OpsContext ops = SandboxAws.dryRunContext(info, home)) {
            EcsTaskRun run = ops.ecs().runTask("migrate");
            assertThat(run.planned()).isTrue();
            assertThat(run.isStopped()).isTrue();
            assertThat(run.awaitStopped(Duration.ofSeconds(1)).planned()).isTrue();
            assertThat(ops.plan().effects()).singleElement().satisfies(e -> assertThat(e.verb()).isEqualTo("run-task"));
        }
        assertThat(tasksOfFamily(info, SeedData.MIGRATE_TASK_FAMILY)).isEqualTo(before);
    }
}
