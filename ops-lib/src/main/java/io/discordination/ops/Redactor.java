package io.discordination.ops;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrubs known secret values, and passwords inside URLs, out of any text before it is printed,
 * logged, audited or journaled. A context owns one; it learns the environment's secrets and every
 * secret a verb creates (a rotated password), so that a value that slipped into an exception
 * message or a command line is still masked.
 *
 * <pre>{@code String safe = context.redactor().redact(message);}</pre>
 */
public final class Redactor {
    /** Shorter values would mask ordinary words; they stay masked where they travel as {@link Secret}. */
    static final int MIN_LENGTH = 4;
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/\\s:@]*:)([^@\\s/]+)@");

    private final Set<String> values = ConcurrentHashMap.newKeySet();

    public Redactor register(Secret secret) {
        if (secret != null) register(secret.reveal());
        return this;
    }

    Redactor register(String value) {
        if (value != null && value.length() >= MIN_LENGTH) {
            values.add(value);
            // the same value may travel URL-encoded (a password inside DATABASE_URL)
            values.add(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
        }
        return this;
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) return text;
        String out = text;
        if (!values.isEmpty()) {
            List<String> longestFirst = values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
            for (String v : longestFirst) {
                if (out.contains(v)) out = out.replace(v, Secret.MASK);
            }
        }
        Matcher m = URL_PASSWORD.matcher(out);
        return m.find() ? m.replaceAll("$1" + Matcher.quoteReplacement(Secret.MASK) + "@") : out;
    }
}
