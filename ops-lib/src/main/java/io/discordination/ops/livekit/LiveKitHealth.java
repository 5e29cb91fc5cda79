package io.discordination.ops.livekit;

import io.discordination.ops.text.Table;

import java.time.Duration;

/**
 * The answer of LiveKit's {@code /healthz}: healthy when HTTP 200; the status, the body (cut to
 * 200 characters) and how long it took.
 *
 * <pre>{@code boolean ok = livekit().health().healthy();}</pre>
 */
public record LiveKitHealth(String url, boolean healthy, int status, String body, Duration latency) {
    @Override
    public String toString() {
        return Table.fields("url", url, "healthy", healthy ? "yes" : "NO", "status", status, "body", body,
                "latency", latency.toMillis() + " ms");
    }
}
