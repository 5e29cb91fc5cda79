package io.discordination.ops.aws;

import io.discordination.ops.OpsContext;
import io.discordination.ops.env.Environment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AwsCallsTest {

    @Test
    void since_whenCallsWereMadeBetween_keepsOnlyTheDifference() {
        AwsCalls.Snapshot before = new AwsCalls.Snapshot(Map.of("Ecs:DescribeServices", 2L), Map.of("Ecs:DescribeServices", 2L));
        AwsCalls.Snapshot after = new AwsCalls.Snapshot(Map.of("Ecs:DescribeServices", 3L, "CloudWatchLogs:StartQuery", 1L),
                Map.of("Ecs:DescribeServices", 3L, "CloudWatchLogs:StartQuery", 3L));

        AwsCalls.Snapshot made = after.since(before);

        assertThat(made.calls()).isEqualTo(Map.of("Ecs:DescribeServices", 1L, "CloudWatchLogs:StartQuery", 1L));
        assertThat(made.callsTo("CloudWatchLogs")).isEqualTo(1);
        assertThat(made.total()).isEqualTo(2);
        assertThat(made.toString()).isEqualTo("CloudWatchLogs:StartQuery=1 (2 retries) Ecs:DescribeServices=1");
        assertThat(before.since(before).toString()).isEqualTo("none");
    }

    @Test
    void awsClient_whenBuilt_retriesAdaptivelyAndCountsCalls(@TempDir Path home) throws Exception {
        Path env = home.resolve("test.yaml");
        Files.writeString(env, "name: test\naws:\n  region: us-east-1\n  endpoint: http://127.0.0.1:9\n"
                + "  accessKeyId: AKIATEST\n  secretAccessKey: test\necs:\n  cluster: c\n  services:\n    api: api\n");
        try (OpsContext ops = OpsContext.builder().environment(Environment.load(env)).opsHome(home).build()) {
            EcsClient ecs = ops.awsClient(EcsClient.class, EcsClient::builder);
            var config = ecs.serviceClientConfiguration().overrideConfiguration();
            RetryStrategy strategy = config.retryStrategy().orElseThrow();
            assertThat(strategy.getClass().getSimpleName()).contains("Adaptive");
            assertThat(config.executionInterceptors()).contains(ops.awsCalls());
        }
    }
}
