package io.discordination.ops.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service recovery runbooks, api-not-responding and gateway-connections-dropping, through the
 * {@code ops} command line against the sandbox: a plan reads and restarts nothing, a run with
 * {@code --yes} starts a new ECS deployment and waits until the service is stable, and a run
 * without a terminal to confirm the restart refuses it. Deployments are read with an ECS client
 * built in the test.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class ServiceRecoveryRunbooksTest {
    /** One OPS_HOME for the class, so each script compiles once. */
    @TempDir
    static Path home;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"api", "gateway"})
    void plan_whenAServiceIsInTrouble_readsItsStateAndShowsTheRestartWithoutDeploying(String service, SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Deployment before = ops.primaryDeployment(service);

        Cli.Result r = ops.plan(runbook(service));

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains(
                "[check]", "would: force-redeploy ecs service discordination-prod/" + service + "  (destructive)",
                "$ aws ecs update-service --cluster discordination-prod --service " + service + " --force-new-deployment",
                "[verify]", "Nothing was changed.");
        Service after = ops.service(service);
        assertThat(after.deployments()).extracting(Deployment::id).containsExactly(before.id());
    }

    @Test
    void plan_whenApiIsNotResponding_showsTasksLogsAndTheDatabaseWithTheSeedsCommands(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);

        Cli.Result r = ops.plan("api-not-responding", "since=1h");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains(
                "1. Check ECS task status  [check]", "$ aws ecs describe-services --cluster discordination-prod --services api",
                "2. Check recent logs  [check]", "$ aws logs tail /ecs/discordination-api --since 1h", "client_ip=",
                "3. Check database connectivity  [check]", "$ aws rds describe-db-instances --db-instance-identifier discordination-prod",
                "status    available",
                "4. Force new deployment (rolling restart)  [action]",
                "5. The API service is stable again  [verify]");
    }

    @Test
    void plan_whenGatewayConnectionsDrop_showsTaskHealthRedisPubSubAndTheLastHoursMemory(SandboxInfo sandbox) throws IOException {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);

        Cli.Result text = ops.plan("gateway-connections-dropping");

        assertThat(text.exitCode()).as(text.all()).isZero();
        assertThat(text.out()).contains(
                "$ aws ecs describe-tasks --cluster discordination-prod", "--service-name gateway",
                "RUNNING", "$ redis-cli -u $REDIS_URL info clients", "connected_clients",
                "$ redis-cli -u $REDIS_URL info stats | grep ^pubsub && redis-cli -u $REDIS_URL client list type pubsub",
                "SUBSCRIBED CLIENTS",
                "\"MetricName\":\"MemoryUtilization\",\"Dimensions\":[{\"Name\":\"ServiceName\",\"Value\":\"gateway\"}]",
                "AWS/ECS MemoryUtilization", "ServiceName=gateway");

        // the same hour of the metric, read with a CloudWatch client built here
        Cli.Result json = ops.planJson("gateway-connections-dropping");
        assertThat(json.exitCode()).as(json.all()).isZero();
        JsonNode plan = Json.mapper().readTree(json.out());
        JsonNode memory = plan.at("/steps/3/result");
        assertThat(memory.get("metric").asText()).isEqualTo("MemoryUtilization");
        assertThat(memory.at("/dimensions/ServiceName").asText()).isEqualTo("gateway");
        Instant start = Instant.parse(memory.get("start").asText());
        Instant end = Instant.parse(memory.get("end").asText());
        assertThat(Duration.between(start, end)).isEqualTo(Duration.ofHours(1));
        List<Double> independent = memoryUtilization(ops, start, end);
        assertThat(independent).isNotEmpty();
        assertThat(memory.get("datapoints")).hasSize(independent.size());
        assertThat(memory.get("datapoints").findValuesAsText("value").stream().map(Double::parseDouble).sorted().toList())
                .isEqualTo(independent.stream().sorted().toList());
    }

    @Test
    void plan_asJson_whenGatewayConnectionsDrop_countsEachStepsRedisCommandsAndSendsNoPubsubCommand(SandboxInfo sandbox) throws IOException {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);

        Cli.Result r = ops.planJsonDebug("gateway-connections-dropping");

        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode plan = Json.mapper().readTree(r.out());
        JsonNode clients = plan.at("/steps/1");
        assertThat(clients.path("title").asText()).isEqualTo("Check Redis pub/sub clients");
        assertThat(clients.at("/redisCommands/INFO").asLong()).isPositive();
        JsonNode subscribers = plan.at("/steps/2");
        assertThat(subscribers.path("title").asText()).isEqualTo("Check Redis pub/sub subscribers");
        assertThat(subscribers.at("/redisCommands/INFO").asLong()).isPositive();
        assertThat(subscribers.at("/redisCommands/CLIENT").asLong()).isPositive();
        // the sandbox's Redis is one server: INFO stats and CLIENT LIST, once each
        assertThat(subscribers.path("redisCommands").toString()).isEqualTo("{\"CLIENT\":1,\"INFO\":1}");
        for (JsonNode step : plan.get("steps")) {
            assertThat(step.path("redisCommands").has("PUBSUB")).as(step.toString()).isFalse();
            assertThat(step.path("postgresStatements").isObject()).as(step.toString()).isTrue();
        }
        // the tasks and the memory are AWS only
        assertThat(plan.at("/steps/0/redisCommands").isEmpty()).isTrue();
        assertThat(plan.at("/steps/0/awsCalls/Ecs:DescribeTasks").asLong()).isPositive();
        // --debug: one line per step naming every service
        assertThat(r.err()).containsPattern("ops: step 3 calls: AWS none; Redis (\\S+ )*CLIENT=\\d+ (\\S+ )*INFO=\\d+.*; PostgreSQL none");
        assertThat(r.err()).contains("ops: step 1 calls: AWS Ecs:");
    }

    private static List<Double> memoryUtilization(AreaARunbookSupport ops, Instant start, Instant end) {
        try (CloudWatchClient cw = ops.aws(CloudWatchClient.builder())) {
            List<MetricDataResult> results = cw.getMetricData(b -> b.startTime(start).endTime(end).metricDataQueries(q -> q.id("mem")
                    .metricStat(s -> s.metric(m -> m.namespace("AWS/ECS").metricName("MemoryUtilization")
                                    .dimensions(d -> d.name("ClusterName").value("discordination-prod"),
                                            d -> d.name("ServiceName").value("gateway")))
                            .period(300).stat("Average")))).metricDataResults();
            return results.get(0).values();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"api", "gateway"})
    void run_whenConfirmedWithYes_startsANewDeploymentAndWaitsUntilTheServiceIsStable(String service, SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Deployment before = ops.primaryDeployment(service);

        Cli.Result r = ops.run(runbook(service));

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("stable after", "held after", "finished ok");
        Service after = ops.service(service);
        Deployment primary = ops.primaryDeployment(service);
        assertThat(primary.id()).isNotEqualTo(before.id());
        assertThat(primary.createdAt()).isAfter(before.createdAt());
        assertThat(after.deployments()).hasSize(1);
        assertThat(after.runningCount()).isEqualTo(after.desiredCount());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"api", "gateway"})
    void run_whenNoTerminalCanConfirmTheRestart_refusesWithExitThreeAndDeploysNothing(String service, SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Deployment before = ops.primaryDeployment(service);

        Cli.Result r = ops.runWithoutTerminal(runbook(service));

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("Refused: force-redeploy ecs service discordination-prod/" + service, "--yes");
        assertThat(ops.service(service).deployments()).extracting(Deployment::id).containsExactly(before.id());
    }

    private static String runbook(String service) {
        return service.equals("api") ? "api-not-responding" : "gateway-connections-dropping";
    }
}
