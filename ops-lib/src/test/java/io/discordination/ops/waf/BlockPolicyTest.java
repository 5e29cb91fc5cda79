package io.discordination.ops.waf;

import io.discordination.ops.OpsException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlockPolicyTest {
    private static final BlockPolicy STANDARD = BlockPolicy.standard(List.of(Cidr.parse("198.18.0.0/24"), Cidr.parse("2001:db8:ffff::/48")));

    private static List<Cidr> ranges(String... cidrs) {
        return Arrays.stream(cidrs).map(Cidr::parse).toList();
    }

    @Test
    void check_whenTwoSlashOnesCoverTheWholeInternet_refusesThem() {
        assertThatThrownBy(() -> STANDARD.check(ranges("0.0.0.0/1", "128.0.0.0/1")))
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("together 4,294,967,296 IPv4 addresses, more than a /16 (65,536)")
                .hasMessageContaining("allow-wide=true").hasMessageContaining("nothing was changed");
    }

    @Test
    void check_whenRangesAddUpToExactlyASlashSixteen_acceptsThem_andOneAddressMoreIsRefused() {
        assertThatCode(() -> STANDARD.check(ranges("203.0.0.0/17", "203.0.128.0/17"))).doesNotThrowAnyException();
        assertThatCode(() -> STANDARD.check(ranges("203.0.0.0/16"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> STANDARD.check(ranges("203.0.0.0/16", "198.51.100.7")))
                .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("65,537 IPv4 addresses");
    }

    @Test
    void check_whenManySmallRangesTogetherExceedASlashSixteen_refusesThem() {
        // 257 /24s: each is harmless, together they are more than a /16
        List<Cidr> many = new java.util.ArrayList<>();
        for (int i = 0; i < 257; i++) many.add(Cidr.parse("45." + (i / 256) + "." + (i % 256) + ".0/24"));
        assertThatThrownBy(() -> STANDARD.check(many)).hasMessageContaining("65,792 IPv4 addresses").hasMessageContaining("and 252 more");
    }

    @Test
    void covered_whenRangesNest_countsEachAddressOnce() {
        assertThat(BlockPolicy.covered(ranges("203.0.113.0/24", "203.0.113.7", "203.0.113.128/25", "198.51.100.1"), false))
                .isEqualTo(BigInteger.valueOf(257));
        assertThatCode(() -> STANDARD.check(ranges("203.0.0.0/16", "203.0.113.0/24", "203.0.5.5"))).doesNotThrowAnyException();
    }

    @Test
    void check_whenIpv6CoversMoreThanASlashFortyEight_refusesIt() {
        assertThatCode(() -> STANDARD.check(ranges("2001:db8:1::/48"))).doesNotThrowAnyException();
        assertThatCode(() -> STANDARD.check(ranges("2001:db8:1::/49", "2001:db8:1:8000::/49"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> STANDARD.check(ranges("2001:db8::/47")))
                .hasMessageContaining("131,072 IPv6 /64 subnets, more than a /48 (65,536)");
        assertThatThrownBy(() -> STANDARD.check(ranges("2001:db8:1::/48", "2001:db8:2::/64")))
                .hasMessageContaining("65,537 IPv6 /64 subnets");
    }

    @Test
    void check_whenARangeOverlapsAnInternalOne_refusesIt() {
        for (String[] c : new String[][]{{"10.1.2.3", "10.0.0.0/8, which is private"}, {"172.20.0.0/16", "172.16.0.0/12"},
                {"192.168.1.0/24", "192.168.0.0/16"}, {"127.0.0.1", "loopback"}, {"169.254.169.254", "link-local"},
                {"0.0.0.0/8", "this network"}, {"::1", "loopback"}, {"fe80::1", "link-local"}, {"fd00::/64", "unique local"},
                {"198.18.0.77", "198.18.0.0/24, one of the platform's own ranges"},
                {"2001:db8:ffff:1::/64", "2001:db8:ffff::/48, one of the platform's own ranges"},
                // a range that contains an internal one overlaps it just as much
                {"8.0.0.0/6", "10.0.0.0/8"}}) {
            assertThatThrownBy(() -> new BlockPolicy(STANDARD.platformRanges(), true, false).check(ranges(c[0]))).as(c[0])
                    .isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("Refusing to block " + Cidr.parse(c[0]) + ": it overlaps").hasMessageContaining(c[1])
                    .hasMessageContaining("allow-internal=true");
        }
    }

    @Test
    void check_whenAllowed_acceptsWideAndInternalRanges() {
        assertThatCode(() -> new BlockPolicy(STANDARD.platformRanges(), true, true).check(ranges("0.0.0.0/1", "128.0.0.0/1", "::1")))
                .doesNotThrowAnyException();
        assertThatCode(() -> new BlockPolicy(STANDARD.platformRanges(), true, false).check(ranges("45.0.0.0/8")))
                .doesNotThrowAnyException();
        assertThatCode(() -> new BlockPolicy(STANDARD.platformRanges(), false, true).check(ranges("10.0.0.0/24", "198.18.0.1")))
                .doesNotThrowAnyException();
    }

    @Test
    void check_whenTenThousandAddresses_staysFast() {
        List<Cidr> many = new java.util.ArrayList<>();
        for (int i = 0; i < 10_000; i++) many.add(Cidr.parse("45." + (i / 256 % 256) + "." + (i % 256) + "." + (1 + i / 65536)));
        long start = System.nanoTime();
        STANDARD.check(many);
        // a generous bound against a quadratic check, not a benchmark
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
    }
}
