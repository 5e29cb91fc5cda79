package io.discordination.ops.metrics;

import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Datapoints of one metric over time, oldest first ({@code aws cloudwatch get-metric-data}).
 * Prints as a small bar chart with the values beside it; {@link #sparkline()} gives one line.
 *
 * <pre>{@code MetricSeries mem = metrics().memoryUtilization("gateway", hours(1)); mem.max();}</pre>
 */
public record MetricSeries(String namespace, String metric, Map<String, String> dimensions, String stat,
                           Duration period, Instant start, Instant end, List<Datapoint> datapoints) {
    private static final String BLOCKS = "▁▂▃▄▅▆▇█";
    private static final int BAR_WIDTH = 40;

    /** One value for one period, starting at {@code timestamp}. */
    public record Datapoint(Instant timestamp, double value) {
    }

    public boolean isEmpty() {
        return datapoints.isEmpty();
    }

    public OptionalDouble max() {
        return datapoints.stream().mapToDouble(Datapoint::value).max();
    }

    public OptionalDouble min() {
        return datapoints.stream().mapToDouble(Datapoint::value).min();
    }

    public OptionalDouble average() {
        return datapoints.stream().mapToDouble(Datapoint::value).average();
    }

    /** The newest datapoint, or null. */
    public Datapoint latest() {
        return datapoints.isEmpty() ? null : datapoints.get(datapoints.size() - 1);
    }

    /** One line of block characters, lowest to highest value: {@code ▁▂▄▆█▇}. */
    public String sparkline() {
        if (datapoints.isEmpty()) return "";
        double lo = min().getAsDouble();
        double hi = max().getAsDouble();
        StringBuilder sb = new StringBuilder();
        for (Datapoint d : datapoints) {
            int i = hi == lo ? BLOCKS.length() / 2 : (int) Math.round((d.value() - lo) / (hi - lo) * (BLOCKS.length() - 1));
            sb.append(BLOCKS.charAt(i));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(namespace).append(' ').append(metric).append(' ').append(dimensions).append(' ').append(stat)
                .append(" per ").append(Durations.format(period)).append(", ").append(start).append(" to ").append(end).append('\n');
        if (datapoints.isEmpty()) return sb.append("(no datapoints)\n").toString();
        sb.append(String.format(Locale.ROOT, "min %.2f  avg %.2f  max %.2f  %s%n",
                min().getAsDouble(), average().getAsDouble(), max().getAsDouble(), sparkline()));
        double hi = Math.max(max().getAsDouble(), 0);
        Table t = Table.with("TIME", "VALUE", "");
        for (Datapoint d : datapoints) {
            int n = hi <= 0 ? 0 : (int) Math.round(Math.max(0, d.value()) / hi * BAR_WIDTH);
            t.row(d.timestamp(), String.format(Locale.ROOT, "%.2f", d.value()), "#".repeat(n));
        }
        return sb.append(t).toString();
    }
}
