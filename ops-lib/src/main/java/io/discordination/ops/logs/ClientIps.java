package io.discordination.ops.logs;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the client IP address in a log line: a named field first ({@code client_ip=},
 * {@code "ip":"..."}, {@code remote_addr}, {@code x-forwarded-for}), else the first IPv4 address,
 * else the first IPv6 address.
 *
 * <pre>{@code ClientIps.find("429 POST /api/messages client_ip=203.0.113.7")   // 203.0.113.7}</pre>
 */
public final class ClientIps {
    private static final String V4 = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}";
    /** Something shaped like IPv6 (two colons at least); checked with {@link #isIpv6} after matching. */
    private static final String V6_SHAPE = "[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]*:[0-9A-Fa-f.]*";
    private static final Pattern FIELD = Pattern.compile(
            "(?i)(?:client[_-]?ip|remote[_-]?addr(?:ess)?|x-forwarded-for|source[_-]?ip|src[_-]?ip|\\bip)\"?\\s*[=:]\\s*\"?\\[?("
                    + V4 + "(?![\\d.]*\\d)|" + V6_SHAPE + ")");
    private static final Pattern ANY_V4 = Pattern.compile("(?<![\\d.])(" + V4 + ")(?![\\d.]*\\d)");
    private static final Pattern ANY_V6 = Pattern.compile("(?<![0-9A-Fa-f:])(" + V6_SHAPE + ")(?![0-9A-Fa-f:])");

    private ClientIps() {
    }

    /** The client IP in {@code message}, or null. */
    public static String find(String message) {
        if (message == null) return null;
        Matcher m = FIELD.matcher(message);
        while (m.find()) {
            String candidate = m.group(1);
            if (candidate.indexOf(':') < 0 || isIpv6(candidate)) return candidate;
        }
        m = ANY_V4.matcher(message);
        if (m.find()) return m.group(1);
        m = ANY_V6.matcher(message);
        while (m.find()) {
            if (isIpv6(m.group(1))) return m.group(1);
        }
        return null;
    }

    private static boolean isIpv6(String text) {
        try {
            // only hex digits, colons and dots: parsed as a literal, never looked up
            return InetAddress.getByName("[" + text + "]") instanceof Inet6Address;
        } catch (UnknownHostException | IllegalArgumentException e) {
            return false;
        }
    }
}
