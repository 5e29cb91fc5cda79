package io.discordination.ops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.discordination.ops.sandbox.aws.AwsClients;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The AWS part of the sandbox, checked with the seed runbook's own aws commands and the AWS SDK. */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class SandboxAwsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode aws(SandboxInfo sandbox, String command) throws Exception {
        Shell.Result result = Shell.run(sandbox.exports(), command);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return JSON.readTree(result.out().isBlank() ? "{}" : result.out());
    }

    @Test
    void describeServices_whenSeeded_showsStableServiceWithOneDeployment(SandboxInfo sandbox) throws Exception {
        JsonNode service = aws(sandbox, "aws ecs describe-services --cluster discordination-prod --services api").path("services").get(0);

        assertThat(service.path("serviceName").asText()).isEqualTo("api");
        assertThat(service.path("desiredCount").asInt()).isEqualTo(2);
        assertThat(service.path("runningCount").asInt()).isEqualTo(2);
        assertThat(service.path("deployments")).hasSize(1);
        assertThat(service.path("deployments").get(0).path("rolloutState").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void describeTasks_ofGatewayService_listsItsTwoRunningTasksOnly(SandboxInfo sandbox) throws Exception {
        JsonNode tasks = aws(sandbox, """
                aws ecs describe-tasks --cluster discordination-prod \\
                  --tasks $(aws ecs list-tasks --cluster discordination-prod --service-name gateway --query 'taskArns' --output text)
                """).path("tasks");

        assertThat(tasks).hasSize(2);
        for (JsonNode task : tasks) {
            assertThat(task.path("group").asText()).isEqualTo("service:gateway");
            assertThat(task.path("lastStatus").asText()).isEqualTo("RUNNING");
            assertThat(task.path("containers").get(0).path("lastStatus").asText()).isEqualTo("RUNNING");
        }
    }

    @Test
    void forceNewDeployment_whenAwaitedWithTheCli_becomesStableWithNewTasks(SandboxInfo sandbox) throws Exception {
        JsonNode updated = aws(sandbox, "aws ecs update-service --cluster discordination-prod --service gateway --force-new-deployment");
        String deployment = updated.path("service").path("deployments").get(0).path("id").asText();

        Shell.Result wait = Shell.run(sandbox.exports(), "aws ecs wait services-stable --cluster discordination-prod --services gateway");

        assertThat(wait.exitCode()).as(wait.toString()).isZero();
        try (AwsClients aws = clients(sandbox)) {
            List<Task> tasks = awaitServiceTasks(aws, "gateway", deployment);
            assertThat(tasks).hasSize(2).allSatisfy(t -> assertThat(t.startedBy()).isEqualTo(deployment));
        }
    }

    private static AwsClients clients(SandboxInfo sandbox) {
        return new AwsClients(sandbox.awsEndpoint(), sandbox.region(), sandbox.accessKeyId(), sandbox.secretAccessKey());
    }

    /** Polls with the SDK (the CLI's waiters sleep 6 to 15 s between checks). */
    private static List<Task> awaitServiceTasks(AwsClients aws, String service, String deployment) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<String> arns = aws.ecs().listTasks(r -> r.cluster(SeedData.CLUSTER).serviceName(service)).taskArns();
            List<Task> tasks = arns.isEmpty() ? List.of() : aws.ecs().describeTasks(r -> r.cluster(SeedData.CLUSTER).tasks(arns)).tasks();
            boolean replaced = tasks.size() == 2 && tasks.stream().allMatch(t -> deployment.equals(t.startedBy()));
            if (replaced || System.nanoTime() > deadline) return tasks;
            Thread.sleep(200);
        }
    }

    private static Task awaitStopped(AwsClients aws, String taskArn) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Task task = aws.ecs().describeTasks(r -> r.cluster(SeedData.CLUSTER).tasks(taskArn)).tasks().get(0);
            if ("STOPPED".equals(task.lastStatus()) || System.nanoTime() > deadline) return task;
            Thread.sleep(200);
        }
    }

    private static String logOf(AwsClients aws, String group, String stream) {
        return aws.logs().getLogEvents(r -> r.logGroupName(group).logStreamName(stream)).events().stream()
                .map(OutputLogEvent::message).collect(Collectors.joining("\n"));
    }

    private static NetworkConfiguration taskNetwork(SandboxInfo sandbox) {
        return NetworkConfiguration.builder().awsvpcConfiguration(v -> v.subnets(sandbox.privateSubnets()).securityGroups(sandbox.dbSg())).build();
    }

    @Test
    void runTask_migrateVerbatim_stopsOnItsOwnWithExitCodeZeroAndLogs(SandboxInfo sandbox) throws Exception {
        JsonNode run = aws(sandbox, """
                aws ecs run-task \\
                  --cluster discordination-prod \\
                  --task-definition discordination-migrate \\
                  --network-configuration "awsvpcConfiguration={subnets=[$PRIVATE_SUBNETS],securityGroups=[$DB_SG]}"
                """);
        String taskArn = run.path("tasks").get(0).path("taskArn").asText();

        try (AwsClients aws = clients(sandbox)) {
            Task task = awaitStopped(aws, taskArn);

            assertThat(task.lastStatus()).isEqualTo("STOPPED");
            assertThat(task.stopCodeAsString()).isEqualTo("EssentialContainerExited");
            assertThat(task.containers().get(0).exitCode()).isZero();
            assertThat(logOf(aws, SeedData.LOG_GROUP_MIGRATE, "migrate/migrate/" + taskArn.substring(taskArn.lastIndexOf('/') + 1)))
                    .contains("Migrations finished: 1 applied", "exiting with status 0");
        }
    }

    @Test
    void runTask_migrateAfterFailNextMigration_exitsWithOne(Sandbox sandbox, SandboxInfo info) throws Exception {
        sandbox.failNextMigration();

        try (AwsClients aws = clients(info)) {
            String taskArn = aws.ecs().runTask(r -> r.cluster(SeedData.CLUSTER).taskDefinition(SeedData.MIGRATE_TASK_FAMILY)
                    .networkConfiguration(taskNetwork(info))).tasks().get(0).taskArn();
            Task task = awaitStopped(aws, taskArn);

            assertThat(task.containers().get(0).exitCode()).isEqualTo(1);
            assertThat(logOf(aws, SeedData.LOG_GROUP_MIGRATE, "migrate/migrate/" + taskArn.substring(taskArn.lastIndexOf('/') + 1)))
                    .contains("lock_not_available", "exiting with status 1");
        }
        assertThat(sandbox.directory().resolve("fail-next-migration")).doesNotExist();
    }

    @Test
    void runTask_cleanupDryRun_logsWhatItWouldDelete(SandboxInfo sandbox) throws Exception {
        try (AwsClients aws = clients(sandbox)) {
            String taskArn = aws.ecs().runTask(r -> r.cluster(SeedData.CLUSTER).taskDefinition(SeedData.CLEANUP_TASK_FAMILY)
                    .networkConfiguration(taskNetwork(sandbox))
                    .overrides(o -> o.containerOverrides(c -> c.name("cleanup").command("--once", "--dry-run")))).tasks().get(0).taskArn();
            Task task = awaitStopped(aws, taskArn);

            assertThat(task.containers().get(0).exitCode()).isZero();
            assertThat(logOf(aws, SeedData.LOG_GROUP_CLEANUP, "cleanup/cleanup/" + taskArn.substring(taskArn.lastIndexOf('/') + 1)))
                    .contains("would delete 1284 objects");
        }
    }

    @Test
    void describeDbInstancesAndSnapshots_verbatim_showInstanceAndManualSnapshotsAtDistinctTimes(SandboxInfo sandbox) throws Exception {
        JsonNode instance = aws(sandbox, "aws rds describe-db-instances --db-instance-identifier discordination-prod").path("DBInstances").get(0);
        Shell.Result table = Shell.run(sandbox.exports(), """
                aws rds describe-db-snapshots \\
                  --db-instance-identifier discordination-prod \\
                  --query 'DBSnapshots[*].[DBSnapshotIdentifier,SnapshotCreateTime]' \\
                  --output table
                """);

        assertThat(instance.path("DBInstanceStatus").asText()).isEqualTo("available");
        assertThat(table.exitCode()).as(table.toString()).isZero();
        Matcher manual = Pattern.compile("(manual-\\d{8}-\\d{6})\\s*\\|\\s*(\\S+)").matcher(table.out());
        List<String> times = new ArrayList<>();
        while (manual.find()) times.add(manual.group(2));
        assertThat(times).hasSizeGreaterThanOrEqualTo(3);
        assertThat(new HashSet<>(times)).hasSameSizeAs(times);
    }

    @Test
    void getMetricData_verbatim_returnsGatewayMemoryForTheLastHour(SandboxInfo sandbox) throws Exception {
        JsonNode result = aws(sandbox, """
                aws cloudwatch get-metric-data --metric-data-queries '[{"Id":"mem","MetricStat":{"Metric":{"Namespace":"AWS/ECS","MetricName":"MemoryUtilization","Dimensions":[{"Name":"ServiceName","Value":"gateway"}]},"Period":300,"Stat":"Average"}}]' --start-time $(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%S) --end-time $(date -u +%Y-%m-%dT%H:%M:%S)
                """);

        JsonNode values = result.path("MetricDataResults").get(0).path("Values");
        assertThat(values.size()).isGreaterThanOrEqualTo(10);
        assertThat(values.get(0).asDouble()).isBetween(50.0, 100.0);
    }

    @Test
    void filterLogEvents_quoted429_findsRateLimitedRequestsMostlyFromOneClient(SandboxInfo sandbox) throws Exception {
        JsonNode result = aws(sandbox, """
                aws logs filter-log-events --log-group-name /ecs/discordination-api \\
                  --filter-pattern '"429"' --start-time $(date -u -d '1 hour ago' +%s)000
                """);

        Map<String, Integer> byIp = new TreeMap<>();
        Pattern ip = Pattern.compile("status=429 .*client_ip=([0-9.]+)");
        for (JsonNode event : result.path("events")) {
            Matcher m = ip.matcher(event.path("message").asText());
            if (m.find()) byIp.merge(m.group(1), 1, Integer::sum);
        }
        assertThat(byIp).containsKeys(SeedData.DOMINANT_429_IP).hasSizeGreaterThanOrEqualTo(3);
        int dominant = byIp.get(SeedData.DOMINANT_429_IP);
        assertThat(byIp.values().stream().mapToInt(Integer::intValue).sum() - dominant).isLessThan(dominant / 2);
    }

    @Test
    void listObjectVersions_ofDeletedAttachment_showsDeleteMarkerOverTwoVersions(SandboxInfo sandbox) throws Exception {
        JsonNode versions = aws(sandbox, "aws s3api list-object-versions --bucket discordination-files --prefix \"attachments/"
                + SeedData.DELETED_FILE_ID + "\"");

        assertThat(versions.path("DeleteMarkers")).hasSize(1);
        assertThat(versions.path("DeleteMarkers").get(0).path("IsLatest").asBoolean()).isTrue();
        assertThat(versions.path("Versions")).hasSize(2);
        try (AwsClients aws = clients(sandbox)) {
            List<ObjectVersion> listed = aws.s3().listObjectVersions(r -> r.bucket(SeedData.BUCKET).prefix(SeedData.DELETED_FILE_KEY)).versions();
            List<String> contents = new ArrayList<>();
            for (ObjectVersion v : listed) {
                contents.add(aws.s3().getObjectAsBytes(r -> r.bucket(SeedData.BUCKET).key(v.key()).versionId(v.versionId())).asUtf8String());
            }
            assertThat(contents).containsExactlyInAnyOrderElementsOf(SeedData.DELETED_FILE_VERSIONS);
        }
    }

    @Test
    void s3Ls_verbatim_summarizesTheBucket(SandboxInfo sandbox) {
        Shell.Result result = Shell.run(sandbox.exports(), "aws s3 ls s3://discordination-files --recursive --summarize | tail -2");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).contains("Total Objects:", "Total Size:");
    }

    @Test
    void wafIpSetAndSecrets_whenSeeded_holdInitialValues(SandboxInfo sandbox) throws Exception {
        JsonNode ipSet = aws(sandbox, "aws wafv2 get-ip-set --name blocked-ips --scope REGIONAL --id $IP_SET_ID");

        assertThat(ipSet.path("IPSet").path("Addresses").toString()).contains(SeedData.BLOCKED_ADDRESSES.get(0), SeedData.BLOCKED_ADDRESSES.get(1));
        assertThat(ipSet.path("LockToken").asText()).isNotBlank();
        try (AwsClients aws = clients(sandbox)) {
            assertThat(aws.secrets().getSecretValue(r -> r.secretId(SeedData.JWT_SECRET_ID)).secretString()).hasSize(64);
            assertThat(aws.secrets().getSecretValue(r -> r.secretId(SeedData.DB_PASSWORD_SECRET_ID)).secretString())
                    .isEqualTo(sandbox.databasePassword());
        }
    }
}
