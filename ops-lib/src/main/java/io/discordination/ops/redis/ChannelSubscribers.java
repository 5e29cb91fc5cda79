package io.discordination.ops.redis;

import io.discordination.ops.text.Table;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Subscribers per pub/sub channel ({@code PUBSUB NUMSUB}), summed over every node; {@code more}
 * says that more channels matched than were kept. Prints at most {@value #SHOWN} channels.
 *
 * <pre>{@code long gateways = redis().pubsubNumsub("user:" + id).subscribers("user:" + id);}</pre>
 */
public record ChannelSubscribers(Map<String, Long> channels, boolean more) {
    static final int SHOWN = 50;

    public ChannelSubscribers {
        channels = Collections.unmodifiableMap(new LinkedHashMap<>(channels));
    }

    public ChannelSubscribers(Map<String, Long> channels) {
        this(channels, false);
    }

    public long subscribers(String channel) {
        return channels.getOrDefault(channel, 0L);
    }

    public long total() {
        return channels.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
        Table table = Table.with("CHANNEL", "SUBSCRIBERS");
        channels.entrySet().stream().limit(SHOWN).forEach(e -> table.row(e.getKey(), e.getValue()));
        String rest = channels.size() > SHOWN ? "... and " + (channels.size() - SHOWN) + " more channels\n" : "";
        String cut = more ? " (more matched; the list stopped at " + channels.size() + ")" : "";
        return table + rest + channels.size() + " channels, " + total() + " subscriptions" + cut + "\n";
    }
}
