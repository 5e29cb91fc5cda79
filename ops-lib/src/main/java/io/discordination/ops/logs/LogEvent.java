package io.discordination.ops.logs;

import io.discordination.ops.text.TerminalText;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One CloudWatch Logs event. {@code toString()} is the line {@code aws logs tail} prints:
 * timestamp, stream, message, on one line: whoever can write a log line must not be able to move
 * the reader's cursor or fake the next line, so control characters and newlines show escaped.
 *
 * <pre>{@code logs("api").tail(minutes(10)).forEach(e -> System.out.println(e));}</pre>
 */
public record LogEvent(Instant timestamp, String stream, String message, String eventId) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx")
            .withZone(ZoneOffset.UTC);

    @Override
    public String toString() {
        String text = message == null ? "" : message.stripTrailing();
        return TIME.format(timestamp) + " " + TerminalText.escape(stream) + " " + TerminalText.escape(text);
    }
}
