package io.discordination.ops.ecs;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SandboxExtension.class)
class EcsServiceTest {

    private static Service describe(SandboxInfo info, String service) {
        try (EcsClient ecs = SandboxAws.client(info, EcsClient.builder())) {
            return ecs.describeServices(b -> b.cluster(SeedData.CLUSTER).services(service)).services().get(0);
        }
    }

    private static String primaryDeploymentId(SandboxInfo info, String service) {
        return describe(info, service).deployments().stream().filter(d -> "PRIMARY".equals(d.status()))
                .map(Deployment::id).findFirst().orElseThrow();
    }

    @Test
    void status_whenSeeded_matchesDescribeServices(SandboxInfo info, @TempDir Path home) {
        Service expected = describe(info, "api");
        try (OpsContext ops = SandboxAws.context(info, home)) {
            ServiceStatus status = ops.ecs("api").status();
            assertThat(status.service()).isEqualTo("api");
            assertThat(status.cluster()).isEqualTo(SeedData.CLUSTER);
            assertThat(status.desiredCount()).isEqualTo(expected.desiredCount());
            assertThat(status.runningCount()).isEqualTo(expected.runningCount());
            assertThat(status.deployments()).extracting(ServiceStatus.Deployment::id)
                    .containsExactlyInAnyOrderElementsOf(expected.deployments().stream().map(Deployment::id).toList());
            assertThat(status.primaryDeployment().rolloutState()).isNotBlank();
            assertThat(status.toString()).contains("DEPLOYMENT").contains("ROLLOUT").contains("desired");
        }
    }

    @Test
    void tasks_whenServiceRuns_listsTheSameTasksAsListTasks(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home);
             EcsClient ecs = SandboxAws.client(info, EcsClient.builder())) {
            ServiceTasks tasks = ops.ecs("gateway").tasks();
            List<String> expected = ecs.listTasks(b -> b.cluster(SeedData.CLUSTER).serviceName("gateway")
                    .desiredStatus(DesiredStatus.RUNNING)).taskArns();
            assertThat(tasks.tasks()).extracting(EcsTask::taskArn).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(tasks.tasks()).allSatisfy(t -> {
                assertThat(t.lastStatus()).isNotBlank();
                assertThat(t.startedAt()).isNotNull();
                assertThat(t.taskDefinition()).startsWith("discordination-gateway:");
            });
        }
    }

    @Test
    void forceRedeploy_whenApproved_startsANewDeploymentAndAwaitsStability(SandboxInfo info, @TempDir Path home) {
        String before = primaryDeploymentId(info, "api");
        try (OpsContext ops = SandboxAws.context(info, home)) {
            EcsDeployment deployment = ops.ecs("api").forceRedeploy();
            assertThat(deployment.planned()).isFalse();
            Awaited<ServiceStatus> stable = deployment.awaitStable(Duration.ofMinutes(2));
            assertThat(stable.matched()).isEqualTo("stable");
            assertThat(stable.attempts()).isGreaterThanOrEqualTo(1);
            assertThat(stable.result().isStable()).isTrue();
            String after = primaryDeploymentId(info, "api");
            assertThat(after).isNotEqualTo(before).isEqualTo(deployment.deploymentId());
            Effect audited = ops.gate().audit().read().get(0).effect();
            assertThat(audited.command()).isEqualTo(
                    "aws ecs update-service --cluster discordination-prod --service api --force-new-deployment");
            assertThat(audited.destructive()).isTrue();
        }
    }

    @Test
    void forceRedeploy_whenDryRun_plansAndChangesNothing(SandboxInfo info, @TempDir Path home) {
        String before = primaryDeploymentId(info, "gateway");
        try (OpsContext ops = SandboxAws.dryRunContext(info, home)) {
            EcsDeployment planned = ops.ecs("gateway").forceRedeploy();
            assertThat(planned.planned()).isTrue();
            assertThat(planned.awaitStable(Duration.ofSeconds(1)).planned()).isTrue();
            assertThat(ops.plan().effects()).singleElement().satisfies(e -> {
                assertThat(e.command()).contains("--service gateway").contains("--force-new-deployment");
                assertThat(e.parameters()).containsKey("runningTasks");
            });
        }
        assertThat(primaryDeploymentId(info, "gateway")).isEqualTo(before);
    }

    @Test
    void forceRedeploy_whenNobodyConfirms_isRefusedAndChangesNothing(SandboxInfo info, @TempDir Path home) {
        String before = primaryDeploymentId(info, "gateway");
        try (OpsContext ops = SandboxAws.refusingContext(info, home)) {
            assertThatThrownBy(() -> ops.ecs("gateway").forceRedeploy())
                    .isInstanceOf(OpsException.RefusedException.class);
        }
        assertThat(primaryDeploymentId(info, "gateway")).isEqualTo(before);
    }

    @Test
    void ecs_whenServiceNameUnknown_failsBeforeAnyCallListingKnownNames(SandboxInfo info, @TempDir Path home) {
        String before = primaryDeploymentId(info, "api");
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.ecs("apii").forceRedeploy())
                    .isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("No ECS service 'apii' in environment local")
                    .hasMessageContaining("known: api, gateway");
            assertThat(ops.gate().audit().read()).isEmpty();
        }
        assertThat(primaryDeploymentId(info, "api")).isEqualTo(before);
    }

    @Test
    void awaitStable_whenAlreadyStable_returnsAfterOneCheck(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            Awaited<ServiceStatus> stable = ops.ecs("api").awaitStable(Duration.ofMinutes(1));
            assertThat(stable.attempts()).isEqualTo(1);
            assertThat(stable.toString()).contains("stable after 1 check");
        }
    }

    /** The service's tasks stopped because they failed to start, as the AWS SDK lists them. */
    private static List<software.amazon.awssdk.services.ecs.model.Task> failedToStart(EcsClient ecs, String service, String deployment) {
        List<String> arns = ecs.listTasks(b -> b.cluster(SeedData.CLUSTER).serviceName(service).desiredStatus(DesiredStatus.STOPPED)).taskArns();
        if (arns.isEmpty()) return List.of();
        return ecs.describeTasks(b -> b.cluster(SeedData.CLUSTER).tasks(arns)).tasks().stream()
                .filter(t -> "TaskFailedToStart".equals(t.stopCodeAsString()) && deployment.equals(t.startedBy())).toList();
    }

    @Test
    void awaitStable_whenTheRolloutFails_stopsAtOnceWithEcsReason(SandboxInfo info, @TempDir Path home) {
        try (EcsClient ecs = SandboxAws.client(info, EcsClient.builder())) {
            // the sandbox's drill: the next deployment's tasks cannot start (its image cannot be pulled)
            ecs.tagResource(b -> b.resourceArn(describe(info, "gateway").serviceArn())
                    .tags(t -> t.key("sandbox:fail-next-rollout").value("1")));
        }
        try (OpsContext ops = SandboxAws.context(info, home)) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> ops.ecs("gateway").forceRedeploy().awaitStable(Duration.ofMinutes(5)))
                    .isInstanceOf(OpsException.class)
                    .hasMessageContaining("FAILED: ECS deployment circuit breaker: tasks failed to start.")
                    .hasMessageContaining("failed tasks");
            // a FAILED rollout does not wait for the timeout
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(1));
            // as ECS: the failed deployment counted its tasks that failed to start up to the threshold,
            // max(3, min(200, half of 2 desired)) = 3, each pass starting the 2 missing ones;
            // the old deployment kept its tasks running
            Service gateway = describe(info, "gateway");
            Deployment failed = gateway.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElseThrow();
            assertThat(failed.rolloutStateAsString()).isEqualTo("FAILED");
            assertThat(failed.failedTasks()).isEqualTo(4);
            assertThat(failed.runningCount()).isZero();
            assertThat(gateway.deployments()).filteredOn(d -> "ACTIVE".equals(d.status())).singleElement()
                    .satisfies(d -> assertThat(d.rolloutStateAsString()).isEqualTo("COMPLETED"));
            assertThat(gateway.deploymentConfiguration().deploymentCircuitBreaker().enable()).isTrue();
            assertThat(gateway.events().get(0).message()).contains("deployment failed: tasks failed to start.");
            try (EcsClient ecs = SandboxAws.client(info, EcsClient.builder())) {
                List<software.amazon.awssdk.services.ecs.model.Task> stopped = failedToStart(ecs, "gateway", failed.id());
                assertThat(stopped).hasSize(4).allSatisfy(t -> assertThat(t.stoppedReason()).startsWith("CannotPullContainerError"));
                assertThat(ecs.listTasks(b -> b.cluster(SeedData.CLUSTER).serviceName("gateway")).taskArns()).hasSize(SeedData.SERVICE_TASKS);
                // a FAILED deployment launches nothing more
                Thread.sleep(2_500);
                assertThat(failedToStart(ecs, "gateway", failed.id())).hasSize(4);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            // the next deployment settles again
            assertThat(ops.ecs("gateway").forceRedeploy().awaitStable(Duration.ofMinutes(2)).matched()).isEqualTo("stable");
        }
    }

    @Test
    void awaitStable_whenTasksFailToStartAndTheCircuitBreakerIsOff_keepsWaitingWhileFailedTasksGrow(SandboxInfo info, @TempDir Path home) {
        try (EcsClient ecs = SandboxAws.client(info, EcsClient.builder())) {
            ecs.updateService(b -> b.cluster(SeedData.CLUSTER).service("api")
                    .deploymentConfiguration(c -> c.minimumHealthyPercent(100).maximumPercent(200)
                            .deploymentCircuitBreaker(cb -> cb.enable(false).rollback(false))));
            ecs.tagResource(b -> b.resourceArn(describe(info, "api").serviceArn())
                    .tags(t -> t.key("sandbox:fail-next-rollout").value("1")));
        }
        try (OpsContext ops = SandboxAws.context(info, home)) {
            // without the breaker ECS never gives up on the deployment: only the timeout ends the wait
            assertThatThrownBy(() -> ops.ecs("api").forceRedeploy().awaitStable(Duration.ofSeconds(8)))
                    .isInstanceOf(OpsException.class).hasMessageNotContaining("circuit breaker: tasks failed");
            Deployment stuck = describe(info, "api").deployments().get(0);
            assertThat(stuck.rolloutStateAsString()).isEqualTo("IN_PROGRESS");
            assertThat(stuck.failedTasks()).isGreaterThan(4);
        } finally {
            try (EcsClient ecs = SandboxAws.client(info, EcsClient.builder())) {
                ecs.updateService(b -> b.cluster(SeedData.CLUSTER).service("api")
                        .deploymentConfiguration(c -> c.minimumHealthyPercent(100).maximumPercent(200)
                                .deploymentCircuitBreaker(cb -> cb.enable(true).rollback(false))));
            }
        }
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThat(ops.ecs("api").forceRedeploy().awaitStable(Duration.ofMinutes(2)).matched()).isEqualTo("stable");
        }
    }

    @Test
    void defaultStableTimeout_whenMoreTasks_growsAndIsCapped() {
        assertThat(EcsService.defaultStableTimeout(3)).isEqualTo(Duration.ofSeconds(330));
        assertThat(EcsService.defaultStableTimeout(300)).isEqualTo(Duration.ofMinutes(55));
        assertThat(EcsService.defaultStableTimeout(5000)).isEqualTo(Duration.ofMinutes(60));
    }

    @Test
    void awaitStable_whenTimeoutIsNotPositive_isBadInput(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.ecs("api").awaitStable(Duration.ZERO))
                    .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("A positive timeout");
        }
    }
}
