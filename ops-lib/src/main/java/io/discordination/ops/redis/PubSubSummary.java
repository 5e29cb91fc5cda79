package io.discordination.ops.redis;

import io.discordination.ops.text.Table;

import java.util.List;

/**
 * Pub/sub at a glance, at a cost that does not grow with the number of channels: per node the
 * active channels and patterns ({@code INFO stats}: {@code pubsub_channels}, {@code pubsub_patterns},
 * {@code pubsubshard_channels}) and the subscribed clients with their subscriptions summed
 * ({@code CLIENT LIST TYPE pubsub}: {@code sub} and {@code psub} per client); then the client names
 * holding the most subscriptions, at most {@link #TOP_NAMES} of them.
 *
 * <pre>{@code long channels = redis().pubsub().channels();}</pre>
 */
public record PubSubSummary(List<NodePubSub> nodes, List<ClientGroup> topClients, int otherClientNames) {
    /** How many client names are listed, most subscriptions first. */
    public static final int TOP_NAMES = 10;

    /** One node's figures; {@code subscriptions} and {@code patternSubscriptions} are summed over its clients. */
    public record NodePubSub(String node, long channels, long patterns, long shardChannels, long subscriberClients,
                             long subscriptions, long patternSubscriptions) {
    }

    /** The subscribed clients sharing one name ({@code (unnamed)} for none), over every node. */
    public record ClientGroup(String name, long clients, long subscriptions, long patternSubscriptions) {
    }

    public PubSubSummary {
        nodes = List.copyOf(nodes);
        topClients = List.copyOf(topClients);
    }

    /** Active channels, summed over the nodes (on a cluster a subscriber's channel lives on the node it is connected to). */
    public long channels() {
        return nodes.stream().mapToLong(NodePubSub::channels).sum();
    }

    public long patterns() {
        return nodes.stream().mapToLong(NodePubSub::patterns).sum();
    }

    public long subscriberClients() {
        return nodes.stream().mapToLong(NodePubSub::subscriberClients).sum();
    }

    public long subscriptions() {
        return nodes.stream().mapToLong(NodePubSub::subscriptions).sum();
    }

    @Override
    public String toString() {
        Table perNode = Table.with("NODE", "CHANNELS", "PATTERNS", "SHARD CHANNELS", "SUBSCRIBED CLIENTS", "SUBSCRIPTIONS",
                "PATTERN SUBSCRIPTIONS");
        for (NodePubSub n : nodes) {
            perNode.row(n.node(), KeyDeleter.count(n.channels()), KeyDeleter.count(n.patterns()), KeyDeleter.count(n.shardChannels()),
                    KeyDeleter.count(n.subscriberClients()), KeyDeleter.count(n.subscriptions()), KeyDeleter.count(n.patternSubscriptions()));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(KeyDeleter.count(channels())).append(" channels, ").append(KeyDeleter.count(patterns())).append(" patterns, ")
                .append(KeyDeleter.count(subscriberClients())).append(" subscribed clients\n").append(perNode);
        if (!topClients.isEmpty()) {
            Table byName = Table.with("CLIENT NAME", "CLIENTS", "SUBSCRIPTIONS", "PATTERN SUBSCRIPTIONS");
            topClients.forEach(g -> byName.row(g.name(), KeyDeleter.count(g.clients()), KeyDeleter.count(g.subscriptions()),
                    KeyDeleter.count(g.patternSubscriptions())));
            sb.append(byName);
            if (otherClientNames > 0) sb.append("... and ").append(otherClientNames).append(" more client names\n");
        }
        return sb.toString();
    }
}
