package io.discordination.ops.aws;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the AWS calls a context makes, per service and operation ({@code CloudWatchLogs:StartQuery}),
 * and the HTTP attempts behind them (retries included). An SDK {@link ExecutionInterceptor}
 * attached to every client the context builds; {@link #snapshot()} and {@link Snapshot#since}
 * give what one step cost.
 *
 * <pre>{@code
 * AwsCalls.Snapshot before = context.awsCalls().snapshot();
 * logs("api").status(429, hours(1)).topClientIps(10);
 * Map<String, Long> made = context.awsCalls().snapshot().since(before).calls();
 * }</pre>
 */
public final class AwsCalls implements ExecutionInterceptor {
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> attempts = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.computeIfAbsent(key(attributes), k -> new LongAdder()).increment();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attempts.computeIfAbsent(key(attributes), k -> new LongAdder()).increment();
    }

    private static String key(ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        return (service == null ? "?" : service) + ":" + (operation == null ? "?" : operation);
    }

    /** The counts so far. */
    public Snapshot snapshot() {
        return new Snapshot(freeze(calls), freeze(attempts));
    }

    private static Map<String, Long> freeze(Map<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /**
     * Calls and HTTP attempts per {@code Service:Operation}, sorted by name. An attempt more than
     * the calls is a retry (throttling, a 5xx, a dropped connection).
     */
    public record Snapshot(Map<String, Long> calls, Map<String, Long> attempts) {
        public Snapshot {
            // sorted, so JSON and text list operations in the same order every time
            calls = java.util.Collections.unmodifiableMap(new TreeMap<>(calls));
            attempts = java.util.Collections.unmodifiableMap(new TreeMap<>(attempts));
        }

        /** What was made after {@code earlier}; operations not called in between are left out. */
        public Snapshot since(Snapshot earlier) {
            return new Snapshot(minus(calls, earlier.calls), minus(attempts, earlier.attempts));
        }

        private static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> before) {
            Map<String, Long> out = new TreeMap<>();
            now.forEach((k, v) -> {
                long d = v - before.getOrDefault(k, 0L);
                if (d > 0) out.put(k, d);
            });
            return out;
        }

        /** Calls to {@code operation} ({@code CloudWatchLogs:StartQuery}); 0 if none. */
        public long calls(String operation) {
            return calls.getOrDefault(operation, 0L);
        }

        /** Calls to every operation of {@code service} ({@code CloudWatchLogs}). */
        public long callsTo(String service) {
            return calls.entrySet().stream().filter(e -> e.getKey().startsWith(service + ":")).mapToLong(Map.Entry::getValue).sum();
        }

        public long total() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }

        public boolean isEmpty() {
            return calls.isEmpty();
        }

        /** {@code CloudWatchLogs:StartQuery=1 CloudWatchLogs:GetQueryResults=2 (1 retry)}, or {@code none}. */
        @Override
        public String toString() {
            if (calls.isEmpty()) return "none";
            StringBuilder sb = new StringBuilder();
            new TreeMap<>(calls).forEach((k, v) -> {
                if (sb.length() > 0) sb.append(' ');
                sb.append(k).append('=').append(v);
                long retries = attempts.getOrDefault(k, v) - v;
                if (retries > 0) sb.append(" (").append(retries).append(retries == 1 ? " retry)" : " retries)");
            });
            return sb.toString();
        }
    }
}
