package io.discordination.ops.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One CloudWatch Logs event. {@code toString()} is the line {@code aws logs tail} prints:
 * timestamp, stream, message.
 *
 * <pre>{@code logs("api").tail(minutes(10)).forEach(e -> System.out.println(e));}</pre>
 */
public record LogEvent(Instant timestamp, String stream, String message, String eventId) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);

    @Override
    public String toString() {
        String text = message == null ? "" : message.stripTrailing();
        return TIME.format(timestamp) + " " + stream + " " + text;
    }
}
