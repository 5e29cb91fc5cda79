package io.discordination.ops.topology;

/**
 * The {@code waf:} section: the IP set of blocked addresses and the platform's own ranges.
 *
 * <pre>{@code String id = topology.waf().ipSet().id().required();}</pre>
 *
 * @param ipSet          the WAFv2 IP set that blocks
 * @param platformRanges the platform's own public ranges (NAT egress, offices, voice nodes): never
 *                       blocked without {@code allow-internal}; a sequence or one comma-separated value
 */
public record WafTopology(IpSet ipSet, SettingList platformRanges) {
    public WafTopology {
        ipSet = ipSet == null ? IpSet.empty() : ipSet;
        platformRanges = Defaults.orAbsent(platformRanges);
    }

    static WafTopology empty() {
        return new WafTopology(null, null);
    }

    /**
     * {@code waf.ipSet}.
     *
     * @param name  the IP set's name
     * @param scope {@code REGIONAL} (the default) or {@code CLOUDFRONT}
     * @param id    the IP set's id
     */
    public record IpSet(Setting name, Setting scope, Setting id) {
        public IpSet {
            name = Defaults.orAbsent(name);
            scope = Defaults.orAbsent(scope);
            id = Defaults.orAbsent(id);
        }

        static IpSet empty() {
            return new IpSet(null, null, null);
        }
    }
}
