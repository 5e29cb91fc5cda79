package io.discordination.ops.redis;

import io.discordination.ops.text.Table;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What {@code redis-cli --bigkeys} reports, from a sample read within a budget: per type, the keys
 * sampled and their share, their average size (bytes for strings, elements for the others), the
 * memory they use ({@code MEMORY USAGE ... SAMPLES 5}) and the estimate for the whole keyspace
 * (sampled figures scaled by keys on the node over keys sampled there), and the biggest key the
 * sample saw. {@code complete} says every key was read, so nothing is estimated; otherwise
 * {@code stoppedBy} says which budget ended it ({@code keys} or {@code time}). Per node: where the
 * sample was read (a replica where there is one) and how much of it.
 *
 * <pre>{@code redis().bigKeys(Budget.of(100_000, Duration.ofSeconds(10))).types().forEach(t -> System.out.println(t.biggestKey()));}</pre>
 */
public record BigKeys(long sampledKeys, long keyspace, Duration elapsed, Budget budget, boolean complete, String stoppedBy,
                      List<NodeSample> nodes, List<TypeStats> types) {

    /** How much a sample may read: at most {@code keys} keys over every master, for at most {@code time}. */
    public record Budget(long keys, Duration time) {
        /** The default: enough keys for a few tenths of a percent of error on the big types, in seconds. */
        public static final Budget DEFAULT = new Budget(100_000, Duration.ofSeconds(10));

        public static Budget of(long keys, Duration time) {
            return new Budget(keys, time);
        }

        public Budget {
            if (keys < 1) throw new IllegalArgumentException("a sample needs at least one key");
            if (time == null || time.isNegative() || time.isZero()) throw new IllegalArgumentException("a sample needs some time");
        }
    }

    /** One master's share: read from {@code readFrom} (the master, or one of its replicas), keys sampled of its keys. */
    public record NodeSample(String master, String readFrom, long sampledKeys, long keys) {
    }

    /**
     * One type's figures; {@code unit} is what the sizes count (bytes, items, members, fields,
     * entries). {@code keys}, {@code totalSize} and {@code memoryBytes} are the sample's;
     * {@code estimatedKeys} and {@code estimatedMemoryBytes} scale them to the keyspace.
     */
    public record TypeStats(String type, long keys, long totalSize, String unit, String biggestKey, long biggestSize,
                            Long biggestKeyMemoryBytes, long memoryBytes, long estimatedKeys, long estimatedMemoryBytes) {
        public double averageSize() {
            return keys == 0 ? 0 : totalSize / (double) keys;
        }
    }

    public BigKeys {
        nodes = List.copyOf(nodes);
        types = List.copyOf(types);
    }

    /** The first line: what was read, of how much, within which budget. */
    public String summary() {
        String share = keyspace == 0 ? "" : String.format(Locale.ROOT, " (%.1f%%)", 100.0 * sampledKeys / keyspace);
        String how = complete ? "every key read, nothing estimated"
                : "stopped by its " + stoppedBy + " budget; the rest is estimated from the sample";
        return String.format(Locale.ROOT, "Sampled %s keys of %s%s on %d %s in %.2fs, budget %s keys or %ds: %s",
                KeyDeleter.count(sampledKeys), KeyDeleter.count(keyspace), share, nodes.size(),
                nodes.size() == 1 ? "master" : "masters", elapsed.toNanos() / 1e9, KeyDeleter.count(budget.keys()),
                budget.time().toSeconds(), how);
    }

    @Override
    public String toString() {
        Table table = Table.with("TYPE", "KEYS", "% OF KEYS", "AVG SIZE", "MEMORY", "EST. KEYS", "EST. MEMORY",
                "BIGGEST KEY", "BIGGEST SIZE", "BIGGEST MEMORY");
        for (TypeStats t : types) {
            table.row(t.type(), KeyDeleter.count(t.keys()),
                    String.format(Locale.ROOT, "%.2f%%", sampledKeys == 0 ? 0 : 100.0 * t.keys() / sampledKeys),
                    String.format(Locale.ROOT, "%.2f %s", t.averageSize(), t.unit()),
                    RedisMemory.bytes(t.memoryBytes()), KeyDeleter.count(t.estimatedKeys()), RedisMemory.bytes(t.estimatedMemoryBytes()),
                    t.biggestKey(), KeyDeleter.count(t.biggestSize()) + " " + t.unit(),
                    t.biggestKeyMemoryBytes() == null ? "" : RedisMemory.bytes(t.biggestKeyMemoryBytes()));
        }
        StringBuilder sb = new StringBuilder(summary()).append('\n');
        if (nodes.stream().anyMatch(n -> !n.master().equals(n.readFrom()))) {
            Table where = Table.with("MASTER", "READ FROM", "SAMPLED", "KEYS");
            nodes.forEach(n -> where.row(n.master(), n.readFrom(), KeyDeleter.count(n.sampledKeys()), KeyDeleter.count(n.keys())));
            sb.append(where);
        }
        return sb.append(table).toString();
    }
}
