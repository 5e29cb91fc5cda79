package io.discordination.ops.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis Cluster of three masters and no replicas on free loopback ports, started in a folder of
 * its own with {@code redis-cli --cluster create}, for tests and benchmarks.
 *
 * <pre>{@code try (RedisCluster cluster = RedisCluster.start(dir)) { cluster.url(); }}</pre>
 */
public final class RedisCluster implements AutoCloseable {
    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    /** A cluster someone else started, given its masters. */
    public static RedisCluster attach(List<RedisServer> masters) {
        return new RedisCluster(masters);
    }

    public static RedisCluster start(Path dir, String... options) {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                List<String> opts = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000"));
                opts.addAll(List.of(options));
                nodes.add(RedisServer.start(dir.resolve("node" + i), opts.toArray(String[]::new)));
            }
            List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
            nodes.forEach(n -> create.add("127.0.0.1:" + n.port()));
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            RedisServer.run(create, null);
            RedisCluster cluster = new RedisCluster(nodes);
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            nodes.forEach(RedisServer::stop);
            throw e;
        }
    }

    private void awaitOk() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            boolean ok = nodes.stream().allMatch(n -> {
                String info = n.cli("CLUSTER", "INFO");
                return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3");
            });
            if (ok) return;
            RedisServer.sleep(100);
        }
        throw new IllegalStateException("the cluster did not reach cluster_state:ok");
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** A seed list in {@code redis.url} form: the first node's URL, then the others as host:port. */
    public String url() {
        StringBuilder sb = new StringBuilder(nodes.get(0).url());
        for (int i = 1; i < nodes.size(); i++) sb.append(",127.0.0.1:").append(nodes.get(i).port());
        return sb.toString();
    }

    /** Keys on every master. */
    public long dbsize() {
        return nodes.stream().mapToLong(RedisServer::dbsize).sum();
    }

    /** Keys matching {@code pattern} on every master, counted by {@code redis-cli --scan}. */
    public long count(String pattern) {
        return nodes.stream().mapToLong(n -> n.count(pattern)).sum();
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::stop);
    }
}
