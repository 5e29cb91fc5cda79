package io.discordination.ops.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes CloudWatch Logs filter patterns. Plain words become terms: a term that starts with a
 * digit or holds anything but letters and digits is quoted ({@code 429} -> {@code "429"}, which
 * CloudWatch needs: an unquoted {@code 429} is not a term). Words are ANDed, as in CloudWatch; a
 * word starting with {@code -} excludes (when other words are present). A pattern already written
 * in filter syntax passes through unchanged: JSON ({@code { $.status = 429 }}), space-delimited
 * ({@code [ip, ...]}), regular expressions ({@code %...%}) and OR terms ({@code ?a ?b}).
 *
 * <pre>{@code FilterPatterns.of("429 POST")   // "429" POST}</pre>
 */
public final class FilterPatterns {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

    private FilterPatterns() {
    }

    /** The filter pattern for {@code text}; empty or null matches everything. */
    public static String of(String text) {
        if (text == null) return "";
        String t = text.strip();
        if (t.isEmpty()) return "";
        if (isFilterSyntax(t)) return t;
        List<String> words = words(t);
        List<String> out = new ArrayList<>();
        for (String w : words) {
            if (w.startsWith("\"")) {
                out.add(w);
            } else if (w.startsWith("-") && w.length() > 1 && words.size() > 1) {
                out.add("-" + term(w.substring(1)));
            } else {
                out.add(term(w));
            }
        }
        return String.join(" ", out);
    }

    /** True for a pattern the operator wrote in CloudWatch's own syntax. */
    public static boolean isFilterSyntax(String t) {
        if (t.startsWith("{") || t.startsWith("[") || t.startsWith("%")) return true;
        for (String w : words(t)) {
            if (w.startsWith("?") && w.length() > 1) return true;
        }
        return false;
    }

    private static String term(String w) {
        if (PLAIN.matcher(w).matches()) return w;
        if (w.length() >= 2 && w.startsWith("\"") && w.endsWith("\"")) return w;
        return "\"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Splits on whitespace, keeping a double-quoted phrase (with its quotes) as one word. */
    static List<String> words(String t) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\' && quoted && i + 1 < t.length()) {
                cur.append(c).append(t.charAt(++i));
                continue;
            }
            if (c == '"' && (cur.length() == 0 || quoted)) {
                quoted = !quoted;
                cur.append(c);
                continue;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (cur.length() > 0) words.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) words.add(cur.toString());
        return words;
    }
}
