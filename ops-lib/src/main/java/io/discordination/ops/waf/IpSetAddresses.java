package io.discordination.ops.waf;

import io.discordination.ops.text.Table;

import java.util.List;

/**
 * The addresses of the WAF IP set ({@code aws wafv2 get-ip-set}), as stored. Printed, the first
 * {@value #PRINTED_ROWS} of up to 10,000; JSON carries them all.
 *
 * <pre>{@code waf().addresses().contains("203.0.113.7/32");}</pre>
 */
public record IpSetAddresses(String name, String id, String scope, String ipAddressVersion, String description,
                             List<String> addresses, String lockToken) {
    public static final int PRINTED_ROWS = 50;

    /** True if the set holds {@code cidr} (compared normalized: {@code 203.0.113.7} equals {@code 203.0.113.7/32}). */
    public boolean contains(String cidr) {
        Cidr wanted = Cidr.parse(cidr);
        return addresses.stream().anyMatch(a -> Cidr.isValid(a) && Cidr.parse(a).equals(wanted));
    }

    public int size() {
        return addresses.size();
    }

    @Override
    public String toString() {
        Table t = Table.with("ADDRESS");
        addresses.stream().limit(PRINTED_ROWS).forEach(t::row);
        return Table.fields("ip set", name + " (" + scope + ", " + ipAddressVersion + ")", "id", id,
                "addresses", addresses.size()) + "\n" + t + Table.leftOut(addresses.size(), PRINTED_ROWS, "addresses");
    }
}
