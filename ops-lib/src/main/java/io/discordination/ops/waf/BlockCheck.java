package io.discordination.ops.waf;

import io.discordination.ops.text.Table;

import java.util.List;

/**
 * A block list checked against the IP set before anything changes ({@link WafIpSet#checkBlock}):
 * the normalized ranges, which of them are new, and the set's size now and after.
 *
 * <pre>{@code waf().checkBlock(List.of("203.0.113.7")).toBlock();   // [203.0.113.7/32] unless already blocked}</pre>
 */
public record BlockCheck(String ipSet, List<String> ranges, List<String> toBlock, int addressesNow, int limit) {
    public BlockCheck {
        ranges = List.copyOf(ranges);
        toBlock = List.copyOf(toBlock);
    }

    @Override
    public String toString() {
        Table t = Table.with("ADDRESS", "STATUS");
        ranges.forEach(r -> t.row(r, toBlock.contains(r) ? "to block" : "already blocked"));
        return Table.fields("ip set", ipSet, "addresses now", addressesNow, "after the block", addressesNow + toBlock.size(),
                "limit", limit) + "\n" + t;
    }
}
