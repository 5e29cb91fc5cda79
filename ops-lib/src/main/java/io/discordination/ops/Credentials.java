package io.discordination.ops;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds credentials in text by their place rather than by their characters: the password in a
 * URL's user-info ({@code scheme://user:password@host}) and the value of a parameter named like a
 * secret ({@code ?password=...}, {@code &token=...}, {@code ;pwd=...}). A password may hold any
 * character an operator can type unencoded ({@code # / ? @}, spaces, quotes, a broken {@code %xx}),
 * so nothing here parses URLs; every scan is one pass, linear in the text.
 *
 * <p>Two readings: {@link #inSetting} takes one whole setting value, where the user-info runs from
 * {@code ://} to the last {@code @}; {@link #maskInText} takes free text (a log line, an error
 * message), where a URL also ends at whitespace or a quote.
 *
 * <pre>{@code Credentials.Found found = Credentials.inSetting(System.getenv("DATABASE_URL"));}</pre>
 */
public final class Credentials {
    /** Schemes whose user-info without a colon is a password, not a user ({@code redis://pw@host}). */
    private static final Set<String> PASSWORD_ONLY_SCHEMES = Set.of("redis", "rediss", "valkey", "valkeys");
    /** Parameter names (lower case, without {@code _ - .}) whose value is a secret, matched as the name's end. */
    private static final List<String> SECRET_PARAMETER_ENDINGS = List.of(
            "password", "passwd", "pwd", "pass", "secret", "token", "apikey", "secretkey", "accesskey",
            "credential", "credentials", "signature", "auth");
    /** Names that mean a password wherever they stand, also in prose ({@code password=...}). */
    private static final List<String> PASSWORD_NAMES = List.of("password", "passwd", "pwd");
    /** Longer parameter names are looked at by their last characters only, so a scan stays linear. */
    private static final int MAX_NAME_LOOKBACK = 64;

    private Credentials() {
    }

    /**
     * A setting value with its credentials masked, and the credentials themselves (as written, and
     * percent-decoded where that differs) for a {@link Redactor} to learn.
     */
    public record Found(String masked, List<String> secrets) {
    }

    /** The credentials in one whole setting value, such as {@code DATABASE_URL} or {@code REDIS_URL}. */
    public static Found inSetting(String value) {
        if (value == null || value.isEmpty()) return new Found(value, List.of());
        List<int[]> regions = new ArrayList<>();
        int separator = value.indexOf("://");
        if (separator >= 0) {
            int userInfoStart = separator + 3;
            int at = value.lastIndexOf('@');
            if (at >= userInfoStart) {
                int[] password = userInfoPassword(value, scheme(value, 0, separator), userInfoStart, at, true);
                if (password != null) regions.add(password);
            }
        }
        int searchFrom = regions.isEmpty() ? 0 : regions.get(0)[1];
        parameterValues(value, searchFrom, true, regions);
        List<int[]> learned = new ArrayList<>(regions);
        seedPasswords(value, learned);
        List<String> secrets = new ArrayList<>();
        for (int[] r : learned) {
            String raw = value.substring(r[0], r[1]);
            if (secrets.contains(raw)) continue;
            secrets.add(raw);
            String decoded = percentDecoded(raw);
            if (!decoded.equals(raw)) secrets.add(decoded);
        }
        return new Found(masked(value, regions), List.copyOf(secrets));
    }

    /**
     * A list of seeds with their own credentials ({@code redis://:a@h1,redis://:b@h2}) is masked
     * as one user-info up to the last {@code @}, which covers both; each seed's own password is
     * learned too, so that either one alone is found in later text.
     */
    private static void seedPasswords(String value, List<int[]> learned) {
        List<Integer> seedStarts = new ArrayList<>();
        for (int separator = value.indexOf("://"); separator >= 0; separator = value.indexOf("://", separator + 3)) {
            int start = separator;
            while (start > 0 && isSchemeChar(value.charAt(start - 1))) start--;
            if (start > 0 && start < separator && value.charAt(start - 1) == ',') seedStarts.add(start);
        }
        if (seedStarts.isEmpty()) return;
        seedStarts.add(0, 0);
        for (int k = 0; k < seedStarts.size(); k++) {
            int from = seedStarts.get(k);
            int to = k + 1 < seedStarts.size() ? seedStarts.get(k + 1) - 1 : value.length();
            int separator = value.indexOf("://", from);
            if (separator < 0 || separator >= to) continue;
            int at = value.lastIndexOf('@', to - 1);
            if (at < separator + 3) continue;
            int[] password = userInfoPassword(value, scheme(value, from, separator), separator + 3, at, true);
            if (password != null) learned.add(password);
        }
    }

    /** {@code text} with every URL password and secret-named parameter value replaced by {@link Secret#MASK}. */
    public static String maskInText(String text) {
        if (text == null || text.isEmpty()) return text;
        if (text.indexOf("://") < 0 && text.indexOf('=') < 0) return text;
        List<int[]> regions = new ArrayList<>();
        int n = text.length();
        int tokenStart = 0;
        while (tokenStart < n) {
            // a token runs to the next whitespace or quote: a URL in prose or JSON ends there
            int end = tokenStart;
            int separator = -1;
            int at = -1;
            while (end < n && !endsToken(text.charAt(end))) {
                char c = text.charAt(end);
                if (c == '@') at = end;
                else if (c == ':' && separator < 0 && end + 2 < n && text.charAt(end + 1) == '/' && text.charAt(end + 2) == '/') separator = end;
                end++;
            }
            if (separator >= 0 && at >= separator + 3) {
                int[] password = userInfoPassword(text, scheme(text, tokenStart, separator), separator + 3, at, false);
                if (password != null) regions.add(password);
            }
            tokenStart = end + 1;
        }
        parameterValues(text, 0, false, regions);
        return regions.isEmpty() ? text : masked(text, regions);
    }

    /**
     * The password's [start, end) inside the user-info [start, at), or null when there is none. In
     * free text, {@code host:port/} before the {@code @} is a path ({@code http://api:4000/users/@me}),
     * not credentials; in a setting everything up to the last {@code @} is user-info.
     */
    private static int[] userInfoPassword(String text, String scheme, int start, int at, boolean setting) {
        for (int colon = start; colon < at; colon++) {
            if (text.charAt(colon) != ':') continue;
            if (!setting && isPortThenPath(text, colon + 1, at)) return null;
            return colon + 1 < at ? new int[]{colon + 1, at} : null;
        }
        return PASSWORD_ONLY_SCHEMES.contains(scheme) && start < at ? new int[]{start, at} : null;
    }

    private static boolean isPortThenPath(String text, int from, int at) {
        int i = from;
        while (i < at && i - from <= 5 && text.charAt(i) >= '0' && text.charAt(i) <= '9') i++;
        return i > from && i < at && text.charAt(i) == '/';
    }

    /** The scheme before {@code ://} at {@code separator}, lower case, or "" when the characters before it are not one. */
    private static String scheme(String text, int from, int separator) {
        int s = separator;
        while (s > from && isSchemeChar(text.charAt(s - 1))) s--;
        return s < separator ? text.substring(s, separator).toLowerCase(Locale.ROOT) : "";
    }

    private static boolean isSchemeChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
    }

    /**
     * Where a URL or a parameter value in free text ends. Quotes and backslashes end it too: text
     * may be JSON (a journal line), and a mask must never swallow a quote or an escape.
     */
    private static boolean endsToken(char c) {
        return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' || c == '\\';
    }

    /**
     * Adds the values of secret-named parameters ({@code name=value}) found from {@code from}. In a
     * setting a value runs to the separator that introduced its name ({@code &} after {@code ?} or
     * {@code &}, {@code ;} after {@code ;}); in free text to any of {@code & ;}, whitespace, a quote
     * or a backslash, and a value in single or escaped double quotes is masked between them.
     */
    private static void parameterValues(String text, int from, boolean setting, List<int[]> regions) {
        int n = text.length();
        int i = text.indexOf('=', from);
        while (i >= 0) {
            int next = i + 1;
            int nameStart = i;
            while (nameStart > 0 && i - nameStart < MAX_NAME_LOOKBACK && isNameChar(text.charAt(nameStart - 1))) nameStart--;
            char introducer = nameStart > 0 ? text.charAt(nameStart - 1) : '?';
            if (nameStart < i && isSecretName(text, nameStart, i, setting || introducer == '?' || introducer == '&' || introducer == ';')) {
                int start = i + 1;
                int end = start;
                if (setting) {
                    while (end < n && !endsParameter(text.charAt(end), introducer, true)) end++;
                } else {
                    // 'value' and, inside JSON, \"value\": the quotes stay, the value between them is masked
                    if (text.startsWith("\\\"", start) || text.startsWith("\\'", start)) start += 2;
                    else if (start < n && text.charAt(start) == '\'') start++;
                    end = start;
                    while (end < n && !endsParameter(text.charAt(end), introducer, false)) end++;
                }
                if (end > start) {
                    regions.add(new int[]{start, end});
                    next = end;
                }
            }
            i = next < n ? text.indexOf('=', next) : -1;
        }
    }

    private static boolean endsParameter(char c, char introducer, boolean setting) {
        if (setting) return introducer == ';' ? c == ';' : c == '&';
        return c == '&' || c == ';' || endsToken(c);
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    /**
     * True for a parameter name that holds a secret. In prose ({@code not chosen: secret=jwt})
     * only a password's names count; after {@code ? & ;}, in a setting, every secret-like name.
     */
    private static boolean isSecretName(String text, int start, int end, boolean parameter) {
        StringBuilder name = new StringBuilder(end - start);
        for (int k = start; k < end; k++) {
            char c = text.charAt(k);
            if (c != '_' && c != '-' && c != '.') name.append(Character.toLowerCase(c));
        }
        String s = name.toString();
        for (String ending : parameter ? SECRET_PARAMETER_ENDINGS : PASSWORD_NAMES) {
            if (s.endsWith(ending)) return true;
        }
        return false;
    }

    /** {@code text} with the regions (in any order, possibly overlapping) replaced by one mask per run of them. */
    private static String masked(String text, List<int[]> regions) {
        if (regions.isEmpty()) return text;
        regions.sort((a, b) -> Integer.compare(a[0], b[0]));
        StringBuilder sb = new StringBuilder(text.length());
        int copied = 0;
        int i = 0;
        while (i < regions.size()) {
            int start = regions.get(i)[0];
            int end = regions.get(i)[1];
            for (i++; i < regions.size() && regions.get(i)[0] < end; i++) end = Math.max(end, regions.get(i)[1]);
            sb.append(text, copied, start).append(Secret.MASK);
            copied = end;
        }
        sb.append(text, copied, text.length());
        return sb.toString();
    }

    /**
     * Percent-decoding that never fails: a {@code %xx} that is not one is kept as written, since a
     * client may read the password either way.
     */
    static String percentDecoded(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
                continue;
            }
            if (bytes.size() > 0) {
                out.append(bytes.toString(StandardCharsets.UTF_8));
                bytes.reset();
            }
            out.append(c);
        }
        if (bytes.size() > 0) out.append(bytes.toString(StandardCharsets.UTF_8));
        return out.toString();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
