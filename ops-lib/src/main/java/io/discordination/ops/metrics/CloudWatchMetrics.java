package io.discordination.ops.metrics;

import io.discordination.ops.HandleContext;
import io.discordination.ops.topology.EcsTopology;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.aws.ShortNames;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudWatch metrics of the environment: ECS memory utilization by service, and any metric as a
 * {@link MetricQuery}. Read only.
 *
 * <pre>{@code metrics().memoryUtilization("gateway", hours(1));}</pre>
 */
public final class CloudWatchMetrics {
    static final Duration DEFAULT_PERIOD = Duration.ofMinutes(5);

    private final EcsTopology ecs;
    private final CloudWatchClient client;
    private final HandleContext context;
    private final AwsErrors aws;

    /** Metrics of the services and cluster in {@code ecs}. */
    public CloudWatchMetrics(EcsTopology ecs, CloudWatchClient client, HandleContext context) {
        this.ecs = ecs;
        this.client = client;
        this.context = context;
        this.aws = AwsErrors.of(context.environment(), "cloudwatch");
    }

    /** Any metric; add dimensions, stat and period, then {@code fetch(since)}. */
    public MetricQuery metric(String namespace, String metricName) {
        if (namespace == null || namespace.isBlank() || metricName == null || metricName.isBlank()) {
            throw OpsException.builder("A metric needs a namespace and a name").hint("for example metric(\"AWS/ECS\", \"CPUUtilization\")")
                    .invalidInput();
        }
        return new MetricQuery(this, namespace, metricName, Map.of(), "Average", DEFAULT_PERIOD);
    }

    /**
     * Average memory utilization of an ECS service ({@code gateway}) per five minutes. ECS
     * publishes it with the ClusterName and ServiceName dimensions; the runbook's query names only
     * ServiceName, so both shapes are asked for in one call and the one with data is returned.
     */
    public MetricSeries memoryUtilization(String service, Duration since) {
        return ecsServiceMetric("MemoryUtilization", service, since);
    }

    /** Average CPU utilization of an ECS service per five minutes (see {@link #memoryUtilization}). */
    public MetricSeries cpuUtilization(String service, Duration since) {
        return ecsServiceMetric("CPUUtilization", service, since);
    }

    private MetricSeries ecsServiceMetric(String metric, String service, Duration since) {
        String real = ShortNames.resolve(ecs.services(), "ecs.services", service, "ECS service", context.environment());
        String cluster = ecs.cluster().required();
        Instant end = Instant.now();
        Instant start = end.minus(since);
        MetricQuery both = metric("AWS/ECS", metric).dimension("ClusterName", cluster).dimension("ServiceName", real);
        MetricQuery serviceOnly = metric("AWS/ECS", metric).dimension("ServiceName", real);
        List<MetricSeries> results = fetchAll(List.of(both, serviceOnly), start, end);
        return results.get(0).isEmpty() && !results.get(1).isEmpty() ? results.get(1) : results.get(0);
    }

    MetricSeries fetch(MetricQuery query, Instant start, Instant end) {
        return fetchAll(List.of(query), start, end).get(0);
    }

    /** Fetches several queries in one GetMetricData call (paged through the SDK paginator). */
    List<MetricSeries> fetchAll(List<MetricQuery> queries, Instant start, Instant end) {
        if (!end.isAfter(start)) {
            throw OpsException.builder("The metric window is empty: " + start + " to " + end).invalidInput();
        }
        List<MetricDataQuery> q = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            MetricQuery m = queries.get(i);
            List<Dimension> dims = new ArrayList<>();
            m.dimensions().forEach((k, v) -> dims.add(Dimension.builder().name(k).value(v).build()));
            String id = "m" + i;
            q.add(MetricDataQuery.builder().id(id).returnData(true).metricStat(s -> s
                    .metric(x -> x.namespace(m.namespace()).metricName(m.metric()).dimensions(dims))
                    .period((int) m.period().getSeconds()).stat(m.stat())).build());
        }
        GetMetricDataRequest request = GetMetricDataRequest.builder().metricDataQueries(q)
                .startTime(start).endTime(end).scanBy(ScanBy.TIMESTAMP_ASCENDING).build();
        CloudWatchClient cw = client;
        Map<String, List<MetricSeries.Datapoint>> points = new HashMap<>();
        aws.call("cloudwatch:GetMetricData", queries.get(0).toString(), () -> {
            for (MetricDataResult r : cw.getMetricDataPaginator(request).metricDataResults()) {
                List<MetricSeries.Datapoint> list = points.computeIfAbsent(r.id(), k -> new ArrayList<>());
                for (int i = 0; i < r.timestamps().size() && i < r.values().size(); i++) {
                    list.add(new MetricSeries.Datapoint(r.timestamps().get(i), r.values().get(i)));
                }
            }
            return null;
        });
        List<MetricSeries> out = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            MetricQuery m = queries.get(i);
            List<MetricSeries.Datapoint> list = new ArrayList<>(points.getOrDefault("m" + i, List.of()));
            list.sort(Comparator.comparing(MetricSeries.Datapoint::timestamp));
            out.add(new MetricSeries(m.namespace(), m.metric(), new LinkedHashMap<>(m.dimensions()), m.stat(), m.period(),
                    start, end, List.copyOf(list)));
        }
        return out;
    }

    @Override
    public String toString() {
        return "cloudwatch metrics in " + context.environment().aws().regionOrDefault();
    }
}
