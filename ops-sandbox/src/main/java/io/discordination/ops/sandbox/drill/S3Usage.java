package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * s3-usage: a storage cost alert. Last night's S3 storage metrics of the files bucket show it
 * grew by 41 GiB and 18,000 objects in a day (a client retrying uploads). The runbook only reports
 * usage: the drill passes when its report shows last night's figures, which the operator compares
 * with the day before.
 *
 * <pre>{@code Scenarios.byName("s3-usage")}</pre>
 */
public final class S3Usage implements Scenario {
    static final long GROWTH_BYTES = 41L * 1024 * 1024 * 1024;
    static final long GROWTH_OBJECTS = 18_000;

    @Override
    public String name() {
        return "s3-usage";
    }

    @Override
    public String symptoms() {
        return "Cost alert: S3 storage of the files bucket jumped overnight.";
    }

    private static List<Dimension> dims(String storageType) {
        return List.of(Dimension.builder().name("BucketName").value(SeedData.BUCKET).build(),
                Dimension.builder().name("StorageType").value(storageType).build());
    }

    /** The seeded daily value (the newest one before today) of a storage metric. */
    private static long daily(SandboxAccess sandbox, String metric, String storageType, boolean includeToday) {
        Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
        List<Datapoint> points = sandbox.aws().cloudWatch().getMetricStatistics(r -> r.namespace("AWS/S3").metricName(metric)
                .dimensions(dims(storageType)).startTime(today.minus(Duration.ofDays(3))).endTime(includeToday ? Instant.now() : today)
                .period(86400).statistics(Statistic.MAXIMUM)).datapoints();
        return points.stream().max(Comparator.comparing(Datapoint::timestamp)).map(p -> Math.round(p.maximum())).orElse(0L);
    }

    @Override
    public void breakIt(SandboxAccess sandbox) {
        long bytes = daily(sandbox, "BucketSizeBytes", "StandardStorage", false) + GROWTH_BYTES;
        long objects = daily(sandbox, "NumberOfObjects", "AllStorageTypes", false) + GROWTH_OBJECTS;
        // S3 publishes the day's figures at midnight UTC: today's datapoint is last night's
        Instant midnight = Instant.now().truncatedTo(ChronoUnit.DAYS);
        sandbox.aws().cloudWatch().putMetricData(r -> r.namespace("AWS/S3").metricData(
                MetricDatum.builder().metricName("BucketSizeBytes").timestamp(midnight).value((double) bytes).unit(StandardUnit.BYTES)
                        .dimensions(dims("StandardStorage")).build(),
                MetricDatum.builder().metricName("NumberOfObjects").timestamp(midnight).value((double) objects).unit(StandardUnit.COUNT)
                        .dimensions(dims("AllStorageTypes")).build()));
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("the files bucket grew less than 10% since the day before", s -> {
            long before = daily(s, "BucketSizeBytes", "StandardStorage", false);
            long now = daily(s, "BucketSizeBytes", "StandardStorage", true);
            return Observation.of(before > 0 && now <= before * 1.1, "BucketSizeBytes " + before + " then " + now);
        }));
    }

    /** The runbook's report must show last night's object count and size. */
    @Override
    public List<String> evidence(SandboxAccess sandbox) {
        return List.of(Long.toString(daily(sandbox, "NumberOfObjects", "AllStorageTypes", true)),
                Long.toString(daily(sandbox, "BucketSizeBytes", "StandardStorage", true)));
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO);
    }
}
