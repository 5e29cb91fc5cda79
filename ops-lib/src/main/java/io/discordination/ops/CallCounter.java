package io.discordination.ops;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a context sends to one service, per kind ({@code INFO}, {@code CLIENT} for Redis;
 * {@code SELECT} for PostgreSQL), safe to count from any thread. {@link #snapshot()} and
 * {@link #since} give what one step cost.
 *
 * <pre>{@code
 * Map<String, Long> before = context.redisCommands().snapshot();
 * redis().pubsub();
 * Map<String, Long> sent = CallCounter.since(context.redisCommands().snapshot(), before);
 * }</pre>
 */
public final class CallCounter {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** One more of {@code kind}. */
    public void count(String kind) {
        counts.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** The counts so far, sorted by kind. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return Collections.unmodifiableMap(out);
    }

    /** What was counted between {@code before} and {@code now}, sorted; kinds not counted in between are left out. */
    public static Map<String, Long> since(Map<String, Long> now, Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        now.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d > 0) out.put(k, d);
        });
        return Collections.unmodifiableMap(out);
    }

    /** {@code CLIENT=1 INFO=3}, or {@code none}. */
    public static String describe(Map<String, Long> counts) {
        if (counts.isEmpty()) return "none";
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(counts).forEach((k, v) -> {
            if (sb.length() > 0) sb.append(' ');
            sb.append(k).append('=').append(v);
        });
        return sb.toString();
    }
}
