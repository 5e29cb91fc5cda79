package io.discordination.ops.waf;

import io.discordination.ops.OpsException;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address range as WAF takes it, checked and normalized before any call: a bare
 * address gets {@code /32} or {@code /128}; IPv6 is written in its short lowercase form (RFC
 * 5952) so the same range always compares equal; {@code /0} (which WAF refuses) and ranges with
 * host bits set ({@code 10.0.0.1/24}) are rejected with a suggestion.
 *
 * <pre>{@code Cidr.parse("203.0.113.7").toString()   // 203.0.113.7/32}</pre>
 */
public record Cidr(String address, int prefix, boolean ipv6) {
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    /** Parses and normalizes {@code text}, or throws an invalid-input error saying what is wrong. */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) throw invalid(text, "it is empty");
        String t = text.strip();
        String addr = t;
        Integer prefix = null;
        int slash = t.indexOf('/');
        if (slash >= 0) {
            addr = t.substring(0, slash);
            String p = t.substring(slash + 1);
            if (!p.matches("\\d{1,3}")) throw invalid(text, "the prefix length '" + p + "' is not a number");
            prefix = Integer.parseInt(p);
        }
        if (addr.contains(":")) return parseV6(text, addr, prefix);
        return parseV4(text, addr, prefix);
    }

    /** True if {@code text} is a valid range (no exception). */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (OpsException e) {
            return false;
        }
    }

    private static Cidr parseV4(String text, String addr, Integer prefix) {
        Matcher m = V4.matcher(addr);
        if (!m.matches()) throw invalid(text, "it is not an IPv4 or IPv6 address");
        long value = 0;
        for (int i = 1; i <= 4; i++) {
            String octet = m.group(i);
            if (octet.length() > 1 && octet.startsWith("0")) throw invalid(text, "octet '" + octet + "' has a leading zero");
            int o = Integer.parseInt(octet);
            if (o > 255) throw invalid(text, "octet " + o + " is above 255");
            value = (value << 8) | o;
        }
        int p = prefix == null ? 32 : prefix;
        if (p < 1 || p > 32) throw invalid(text, "an IPv4 prefix length must be 1 to 32 (WAF refuses /0)");
        long mask = p == 32 ? 0xFFFFFFFFL : (0xFFFFFFFFL << (32 - p)) & 0xFFFFFFFFL;
        if ((value & ~mask & 0xFFFFFFFFL) != 0) {
            long network = value & mask;
            throw invalid(text, "it has host bits set (did you mean " + v4(network) + "/" + p + "?)");
        }
        return new Cidr(v4(value), p, false);
    }

    private static Cidr parseV6(String text, String addr, Integer prefix) {
        if (!V6_CHARS.matcher(addr).matches()) throw invalid(text, "it is not an IPv6 address");
        InetAddress inet;
        try {
            // only hex digits, colons and dots reach here: a literal, never a DNS lookup
            inet = InetAddress.getByName(addr.startsWith("[") ? addr : "[" + addr + "]");
        } catch (UnknownHostException | IllegalArgumentException e) {
            throw invalid(text, "it is not an IPv6 address");
        }
        if (!(inet instanceof Inet6Address)) {
            throw invalid(text, "it is an IPv4-mapped address; write it as IPv4 (" + inet.getHostAddress() + ")");
        }
        int p = prefix == null ? 128 : prefix;
        if (p < 1 || p > 128) throw invalid(text, "an IPv6 prefix length must be 1 to 128 (WAF refuses /0)");
        BigInteger value = new BigInteger(1, inet.getAddress());
        BigInteger all = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        BigInteger mask = all.shiftRight(p).xor(all);
        if (!value.and(mask.not()).and(all).equals(BigInteger.ZERO)) {
            BigInteger network = value.and(mask);
            throw invalid(text, "it has host bits set (did you mean " + v6(toBytes(network)) + "/" + p + "?)");
        }
        return new Cidr(v6(inet.getAddress()), p, true);
    }

    private static String v4(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    private static byte[] toBytes(BigInteger v) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[16];
        int n = Math.min(16, raw.length);
        System.arraycopy(raw, raw.length - n, out, 16 - n, n);
        return out;
    }

    /** RFC 5952: lowercase, leading zeros dropped, the longest run of two or more zero groups as {@code ::}. */
    static String v6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 255) << 8) | (b[2 * i + 1] & 255);
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    private static OpsException invalid(String text, String why) {
        return OpsException.builder("Invalid CIDR '" + text + "': " + why)
                .service("waf").hint("use an address or range such as 203.0.113.7, 198.51.100.0/24 or 2001:db8::/32; nothing was changed")
                .invalidInput();
    }

    /** The first address of the range as a number (IPv4: 32 bits, IPv6: 128 bits). */
    public BigInteger network() {
        if (!ipv6) {
            long v = 0;
            for (String octet : address.split("\\.")) v = (v << 8) | Integer.parseInt(octet);
            return BigInteger.valueOf(v);
        }
        try {
            return new BigInteger(1, InetAddress.getByName("[" + address + "]").getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a parsed IPv6 address no longer parses: " + address, e);
        }
    }

    /** How many addresses the range holds: 2^(32 - prefix) or 2^(128 - prefix). */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft((ipv6 ? 128 : 32) - prefix);
    }

    /** True if the two ranges share an address (ranges either nest or are apart). */
    public boolean overlaps(Cidr other) {
        if (ipv6 != other.ipv6) return false;
        int shorter = Math.min(prefix, other.prefix);
        int shift = (ipv6 ? 128 : 32) - shorter;
        return network().shiftRight(shift).equals(other.network().shiftRight(shift));
    }

    /** True if every address of {@code other} is in this range. */
    public boolean contains(Cidr other) {
        return prefix <= other.prefix && overlaps(other);
    }

    @Override
    public String toString() {
        return address + "/" + prefix;
    }
}
