package io.discordination.ops.waf;

import io.discordination.ops.OpsException;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a block may cover. Blocking denies service to everyone inside a range, so a block list is
 * refused (invalid input, nothing changed) when
 * <ul>
 *   <li>its IPv4 ranges together cover more than a /16 ({@value #MAX_IPV4_ADDRESSES} addresses), or
 *       its IPv6 ranges more than a /48 (65,536 /64 subnets: a /64 is what one end network gets,
 *       as one IPv4 address is one client, so a /48 is the IPv6 counterpart of a /16), unless wide
 *       blocks are allowed ({@link WafIpSet#allowWide});</li>
 *   <li>a range overlaps a private, loopback, link-local or "this network" range, or one of the
 *       platform's own ranges ({@code waf.platformRanges} of the environment: NAT egress, offices,
 *       the voice nodes), unless internal blocks are allowed ({@link WafIpSet#allowInternal}).</li>
 * </ul>
 * Overlapping ranges are counted once; the width is checked first.
 *
 * <pre>{@code BlockPolicy.standard(platformRanges).check(List.of(Cidr.parse("203.0.113.7")));}</pre>
 */
public record BlockPolicy(List<Cidr> platformRanges, boolean allowWide, boolean allowInternal) {
    /** A /16. */
    public static final long MAX_IPV4_ADDRESSES = 65_536L;
    /** A /48: 2^80 addresses, 65,536 /64 subnets. */
    public static final BigInteger MAX_IPV6_ADDRESSES = BigInteger.ONE.shiftLeft(80);

    /** Ranges never on the public internet, with why. */
    private record Reserved(Cidr range, String what) {
    }

    private static final List<Reserved> RESERVED = List.of(
            reserved("0.0.0.0/8", "\"this network\" (RFC 1122)"),
            reserved("10.0.0.0/8", "private (RFC 1918)"),
            reserved("172.16.0.0/12", "private (RFC 1918)"),
            reserved("192.168.0.0/16", "private (RFC 1918)"),
            reserved("127.0.0.0/8", "loopback"),
            reserved("169.254.0.0/16", "link-local"),
            reserved("::1/128", "loopback"),
            reserved("fe80::/10", "link-local"),
            reserved("fc00::/7", "private (unique local, RFC 4193)"));

    private static Reserved reserved(String cidr, String what) {
        return new Reserved(Cidr.parse(cidr), what);
    }

    public BlockPolicy {
        platformRanges = List.copyOf(platformRanges);
    }

    /** Nothing wide, nothing internal. */
    public static BlockPolicy standard(List<Cidr> platformRanges) {
        return new BlockPolicy(platformRanges, false, false);
    }

    /** Throws an invalid-input error naming the first rule {@code ranges} break; returns them when none. */
    public List<Cidr> check(List<Cidr> ranges) {
        if (!allowWide) {
            BigInteger v4 = covered(ranges, false);
            if (v4.compareTo(BigInteger.valueOf(MAX_IPV4_ADDRESSES)) > 0) {
                throw wide(ranges, false, String.format("%,d IPv4 addresses, more than a /16 (%,d)", v4, MAX_IPV4_ADDRESSES));
            }
            BigInteger v6 = covered(ranges, true);
            if (v6.compareTo(MAX_IPV6_ADDRESSES) > 0) {
                throw wide(ranges, true, String.format("%,d IPv6 /64 subnets, more than a /48 (65,536)", v6.shiftRight(64)));
            }
        }
        if (!allowInternal) {
            for (Cidr range : ranges) {
                for (Reserved r : RESERVED) {
                    if (range.overlaps(r.range())) throw internal(range, r.range() + ", which is " + r.what());
                }
                for (Cidr platform : platformRanges) {
                    if (range.overlaps(platform)) throw internal(range, platform + ", one of the platform's own ranges (waf.platformRanges)");
                }
            }
        }
        return ranges;
    }

    /** The addresses of one family that {@code ranges} cover together, each address once. */
    static BigInteger covered(List<Cidr> ranges, boolean ipv6) {
        List<Cidr> family = new ArrayList<>(ranges.stream().filter(r -> r.ipv6() == ipv6).toList());
        // sorted by first address, wider first: a range inside the one kept before it adds nothing
        family.sort(Comparator.comparing(Cidr::network).thenComparingInt(Cidr::prefix));
        BigInteger total = BigInteger.ZERO;
        Cidr kept = null;
        for (Cidr r : family) {
            if (kept != null && kept.contains(r)) continue;
            total = total.add(r.size());
            kept = r;
        }
        return total;
    }

    private static OpsException internal(Cidr range, String what) {
        return OpsException.builder("Refusing to block " + range + ": it overlaps " + what)
                .service("wafv2")
                .hint("blocking it could cut off the platform's own traffic; if you mean it, allow internal ranges "
                        + "(rate-limit-bypass: --param allow-internal=true); nothing was changed")
                .invalidInput();
    }

    private static OpsException wide(List<Cidr> ranges, boolean ipv6, String amount) {
        List<String> shown = ranges.stream().filter(r -> r.ipv6() == ipv6).limit(5).map(Cidr::toString).toList();
        long more = ranges.stream().filter(r -> r.ipv6() == ipv6).count() - shown.size();
        return OpsException.builder("Refusing to block " + String.join(", ", shown) + (more > 0 ? " and " + more + " more" : "")
                        + ": together " + amount)
                .service("wafv2")
                .hint("block the clients' own addresses or narrower ranges; if you mean to deny service that widely, "
                        + "allow it (rate-limit-bypass: --param allow-wide=true); nothing was changed")
                .invalidInput();
    }
}
