package io.discordination.ops.redis;

import io.discordination.ops.text.Table;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What {@code redis-cli --bigkeys} reports: per type, how many keys, their total and average size
 * (bytes for strings, elements for the others), and the biggest key with its size and
 * {@code MEMORY USAGE}.
 *
 * <pre>{@code redis().bigKeys().types().forEach(t -> System.out.println(t.biggestKey()));}</pre>
 */
public record BigKeys(long sampledKeys, Duration elapsed, List<TypeStats> types) {

    /** One type's figures; {@code unit} is what the sizes count (bytes, items, members, fields, entries). */
    public record TypeStats(String type, long keys, long totalSize, String unit, String biggestKey, long biggestSize,
                            Long biggestKeyMemoryBytes) {
        public double averageSize() {
            return keys == 0 ? 0 : totalSize / (double) keys;
        }
    }

    public BigKeys {
        types = List.copyOf(types);
    }

    @Override
    public String toString() {
        Table table = Table.with("TYPE", "KEYS", "% OF KEYS", "AVG SIZE", "BIGGEST KEY", "BIGGEST SIZE", "BIGGEST MEMORY");
        for (TypeStats t : types) {
            table.row(t.type(), KeyDeleter.count(t.keys()),
                    String.format(Locale.ROOT, "%.2f%%", sampledKeys == 0 ? 0 : 100.0 * t.keys() / sampledKeys),
                    String.format(Locale.ROOT, "%.2f %s", t.averageSize(), t.unit()),
                    t.biggestKey(), KeyDeleter.count(t.biggestSize()) + " " + t.unit(),
                    t.biggestKeyMemoryBytes() == null ? "" : RedisMemory.bytes(t.biggestKeyMemoryBytes()));
        }
        return String.format(Locale.ROOT, "Sampled %s keys in %.2fs%n", KeyDeleter.count(sampledKeys), elapsed.toNanos() / 1e9) + table;
    }
}
