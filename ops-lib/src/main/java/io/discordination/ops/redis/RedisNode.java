package io.discordination.ops.redis;

import java.util.Comparator;

/**
 * One Redis server: the standalone server, or one node of a cluster. Prints as {@code host:port}.
 *
 * <pre>{@code RedisNode node = new RedisNode("127.0.0.1", 6379);}</pre>
 */
public record RedisNode(String host, int port) implements Comparable<RedisNode> {
    private static final Comparator<RedisNode> ORDER = Comparator.comparing(RedisNode::host).thenComparingInt(RedisNode::port);

    @Override
    public int compareTo(RedisNode other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
