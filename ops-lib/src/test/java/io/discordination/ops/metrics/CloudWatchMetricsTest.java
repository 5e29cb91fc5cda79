package io.discordination.ops.metrics;

import io.discordination.ops.OpsContext;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@ExtendWith(SandboxExtension.class)
class CloudWatchMetricsTest {

    @Test
    void memoryUtilization_whenSeeded_matchesGetMetricStatistics(SandboxInfo info, @TempDir Path home) {
        MetricSeries series;
        try (OpsContext ops = SandboxAws.context(info, home)) {
            series = ops.metrics().memoryUtilization("gateway", Duration.ofHours(1));
        }
        assertThat(series.datapoints()).hasSizeGreaterThanOrEqualTo(10);
        assertThat(series.dimensions()).containsEntry("ServiceName", "gateway").containsEntry("ClusterName", SeedData.CLUSTER);
        List<Datapoint> expected;
        try (CloudWatchClient cw = SandboxAws.client(info, CloudWatchClient.builder())) {
            expected = cw.getMetricStatistics(b -> b.namespace("AWS/ECS").metricName("MemoryUtilization")
                    .dimensions(d -> d.name("ClusterName").value(SeedData.CLUSTER), d -> d.name("ServiceName").value("gateway"))
                    .startTime(series.start()).endTime(series.end()).period(300).statistics(Statistic.AVERAGE)).datapoints();
        }
        double expectedMax = expected.stream().mapToDouble(Datapoint::average).max().orElseThrow();
        assertThat(series.max().getAsDouble()).isCloseTo(expectedMax, within(0.01));
        assertThat(series.datapoints()).extracting(MetricSeries.Datapoint::timestamp).isSorted();
        String text = series.toString();
        assertThat(text).contains("MemoryUtilization").contains("max").contains("#");
        assertThat(series.sparkline()).hasSize(series.datapoints().size()).matches("[▁▂▃▄▅▆▇█]+");
    }

    @Test
    void metric_whenGeneralQuery_returnsThatShape(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            MetricSeries cpu = ops.metrics().metric("AWS/ECS", "CPUUtilization").dimension("ServiceName", "api")
                    .stat("Maximum").period(Duration.ofMinutes(10)).fetch(Instant.now().minus(Duration.ofHours(2)), Instant.now());
            assertThat(cpu.stat()).isEqualTo("Maximum");
            assertThat(cpu.datapoints()).isNotEmpty();
            assertThat(cpu.max().getAsDouble()).isBetween(0.0, 100.0);
            MetricSeries none = ops.metrics().metric("AWS/ECS", "CPUUtilization").dimension("ServiceName", "nope").fetch(Duration.ofHours(1));
            assertThat(none.isEmpty()).isTrue();
            assertThat(none.toString()).contains("(no datapoints)");
        }
    }
}
