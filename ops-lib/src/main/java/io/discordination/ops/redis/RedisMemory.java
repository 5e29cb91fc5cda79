package io.discordination.ops.redis;

import io.discordination.ops.text.Table;

import java.util.List;
import java.util.Locale;

/**
 * Memory per node ({@code INFO memory} and evictions from {@code INFO stats}): used and peak
 * bytes, fragmentation, the limit and its eviction policy, keys evicted so far.
 *
 * <pre>{@code redis().memory().nodes().get(0).fragmentationRatio();}</pre>
 */
public record RedisMemory(List<NodeMemory> nodes) {

    /** One node. {@code maxmemoryBytes} 0 means no limit. */
    public record NodeMemory(String node, long usedBytes, long peakBytes, double fragmentationRatio,
                             long maxmemoryBytes, String maxmemoryPolicy, long evictedKeys) {
        /** Used memory as a share of the limit, 0..1; empty when there is no limit. */
        public java.util.OptionalDouble utilization() {
            return maxmemoryBytes > 0 ? java.util.OptionalDouble.of(usedBytes / (double) maxmemoryBytes)
                    : java.util.OptionalDouble.empty();
        }
    }

    public RedisMemory {
        nodes = List.copyOf(nodes);
    }

    public long usedBytes() {
        return nodes.stream().mapToLong(NodeMemory::usedBytes).sum();
    }

    public long evictedKeys() {
        return nodes.stream().mapToLong(NodeMemory::evictedKeys).sum();
    }

    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    @Override
    public String toString() {
        Table table = Table.with("NODE", "USED", "PEAK", "FRAGMENTATION", "MAXMEMORY", "USED/MAX", "POLICY", "EVICTED");
        for (NodeMemory n : nodes) {
            table.row(n.node(), bytes(n.usedBytes()), bytes(n.peakBytes()),
                    String.format(Locale.ROOT, "%.2f", n.fragmentationRatio()),
                    n.maxmemoryBytes() == 0 ? "no limit" : bytes(n.maxmemoryBytes()),
                    n.utilization().isPresent() ? String.format(Locale.ROOT, "%.0f%%", 100 * n.utilization().getAsDouble()) : "",
                    n.maxmemoryPolicy(), n.evictedKeys());
        }
        return table.toString();
    }
}
