package io.discordination.ops.topology;

/**
 * The {@code redis:} section.
 *
 * <pre>{@code String url = topology.redis().url().required();}</pre>
 *
 * @param url     {@code redis://[:password@]host:6379[/db]} ({@code rediss://} for TLS; a cluster may list
 *                seeds {@code h1:6379,h2:6379}); its credentials are secret
 * @param cluster {@code true} or {@code false}; absent: the server says ({@code INFO cluster})
 */
public record RedisTopology(@Credential(inUrl = true) Setting url, Setting cluster) {
    public RedisTopology {
        url = Defaults.orAbsent(url);
        cluster = Defaults.orAbsent(cluster);
    }

    static RedisTopology empty() {
        return new RedisTopology(null, null);
    }
}
