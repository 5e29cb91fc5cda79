package io.discordination.ops.text;

import io.discordination.ops.OpsException;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators type them: {@code 10m}, {@code 1h}, {@code 1h30m}, {@code 45s}, {@code 2d},
 * {@code 500ms}, or ISO-8601 ({@code PT10M}).
 *
 * <pre>{@code Duration since = Durations.parse("10m");}</pre>
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");
    /** Longer text is no duration anyone types; refusing it keeps the error line short. */
    private static final int MAX_TEXT = 64;
    private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d|w))+");

    private Durations() {
    }

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) throw invalid(text);
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw invalid(text);
            }
        }
        if (t.length() > MAX_TEXT || !WHOLE.matcher(t).matches()) throw invalid(text);
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(t);
        try {
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofDays(Math.multiplyExact(7, n));
                });
            }
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            // more digits than a long holds, or more seconds than a Duration holds
            throw tooLong(text);
        }
        return d;
    }

    /** The short form: {@code 1h30m}, {@code 10m}, {@code 45s}. */
    public static String format(Duration d) {
        if (d.isZero()) return "0s";
        StringBuilder sb = new StringBuilder();
        long days = d.toDays();
        if (days > 0) sb.append(days).append('d');
        if (d.toHoursPart() > 0) sb.append(d.toHoursPart()).append('h');
        if (d.toMinutesPart() > 0) sb.append(d.toMinutesPart()).append('m');
        if (d.toSecondsPart() > 0) sb.append(d.toSecondsPart()).append('s');
        if (sb.length() == 0) sb.append(d.toMillis()).append("ms");
        return sb.toString();
    }

    private static String shown(String text) {
        if (text == null) return "null";
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }

    private static OpsException tooLong(String text) {
        return OpsException.builder("Invalid duration " + shown(text) + ": it is too long to be a duration")
                .hint("use a number and a unit: 30s, 10m, 1h, 1h30m, 2d").invalidInput();
    }

    private static OpsException invalid(String text) {
        return OpsException.builder("Invalid duration " + shown(text))
                .hint("use a number and a unit: 30s, 10m, 1h, 1h30m, 2d").invalidInput();
    }
}
