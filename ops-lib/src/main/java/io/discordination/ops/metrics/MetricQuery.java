package io.discordination.ops.metrics;

import io.discordination.ops.OpsException;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One metric to fetch: namespace, name, dimensions, statistic and period, the shape of the
 * runbook's {@code get-metric-data} query. Immutable; each setter returns a changed copy.
 *
 * <pre>{@code
 * metrics().metric("AWS/ECS", "MemoryUtilization").dimension("ServiceName", "gateway")
 *          .stat("Maximum").period(minutes(1)).fetch(hours(1));
 * }</pre>
 */
public final class MetricQuery {
    private final CloudWatchMetrics metrics;
    private final String namespace;
    private final String metric;
    private final Map<String, String> dimensions;
    private final String stat;
    private final Duration period;

    MetricQuery(CloudWatchMetrics metrics, String namespace, String metric, Map<String, String> dimensions,
                String stat, Duration period) {
        this.metrics = metrics;
        this.namespace = namespace;
        this.metric = metric;
        this.dimensions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
        this.stat = stat;
        this.period = period;
    }

    public MetricQuery dimension(String name, String value) {
        Map<String, String> d = new LinkedHashMap<>(dimensions);
        d.put(name, value);
        return new MetricQuery(metrics, namespace, metric, d, stat, period);
    }

    /** Average (default), Maximum, Minimum, Sum, SampleCount or a percentile such as p99. */
    public MetricQuery stat(String stat) {
        return new MetricQuery(metrics, namespace, metric, dimensions, stat, period);
    }

    /** The period of each datapoint (default five minutes); a whole number of minutes, or 1, 5, 10, 30 seconds. */
    public MetricQuery period(Duration period) {
        long s = period.getSeconds();
        if (s <= 0 || (s >= 60 && s % 60 != 0) || (s < 60 && !(s == 1 || s == 5 || s == 10 || s == 30))) {
            throw OpsException.builder("Invalid metric period " + period)
                    .hint("use 1, 5, 10 or 30 seconds, or a multiple of 60 seconds").invalidInput();
        }
        return new MetricQuery(metrics, namespace, metric, dimensions, stat, period);
    }

    public String namespace() { return namespace; }
    public String metric() { return metric; }
    public Map<String, String> dimensions() { return dimensions; }
    public String stat() { return stat; }
    public Duration period() { return period; }

    /** The datapoints of the last {@code since}. */
    public MetricSeries fetch(Duration since) {
        Instant end = Instant.now();
        return fetch(end.minus(since), end);
    }

    public MetricSeries fetch(Instant start, Instant end) {
        return metrics.fetch(this, start, end);
    }

    @Override
    public String toString() {
        return namespace + " " + metric + " " + dimensions + " " + stat + " per " + period;
    }
}
