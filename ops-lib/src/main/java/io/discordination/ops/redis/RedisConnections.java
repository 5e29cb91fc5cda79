package io.discordination.ops.redis;

import io.discordination.ops.CallCounter;
import io.discordination.ops.OpsException;
import io.discordination.ops.Secret;
import io.discordination.ops.topology.RedisTopology;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Redis clients of one context: its composition root creates them on first use and closes them.
 * Reads and small effects share one connection per node, which reconnects on its own; long work
 * ({@code deleteMatching}, {@code bigKeys}) opens its own connections that never reconnect, so a
 * dropped connection ends the work with an error instead of hanging.
 *
 * <p>Settings: {@code redis.url} is {@code redis://[:password@]host:port[/db]} ({@code rediss://}
 * for TLS), or for a Redis Cluster several seed nodes separated by commas, each a full URL or
 * {@code host:port} taking the first one's scheme and password. {@code redis.cluster: true|false}
 * says whether it is a cluster; when absent, the first seed is asked ({@code INFO cluster}).
 * On a cluster, work that covers the keyspace runs on every master.
 *
 * <pre>{@code RedisConnections redis = RedisConnections.create(topology.redis(), "prod", redactor::redact, commands);}</pre>
 */
public final class RedisConnections implements AutoCloseable {
    /** The client name our connections carry, so {@code CLIENT LIST} shows who they are. */
    public static final String CLIENT_NAME = "discordination-ops";
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String environment;
    private final List<RedisURI> seeds;
    private final Optional<Boolean> clusterSetting;
    private final Function<String, String> redact;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClient workClient;
    private final Map<RedisNode, StatefulRedisConnection<String, String>> connections = new ConcurrentHashMap<>();
    private volatile Topology topology;

    /** Masters (which own the keyspace) and every node (subscribers may sit on any of them). */
    record Topology(boolean cluster, List<RedisNode> masters, List<RedisNode> nodes, Map<RedisNode, List<RedisNode>> replicas) {
    }

    private RedisConnections(String environment, List<RedisURI> seeds, Optional<Boolean> clusterSetting,
                             Function<String, String> redact, CallCounter commands) {
        this.environment = environment;
        this.seeds = seeds;
        this.clusterSetting = clusterSetting;
        this.redact = redact;
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .socketOptions(socket)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                // while disconnected, fail at once rather than queue commands for later
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(true)
                .build());
        this.workClient = RedisClient.create(resources);
        workClient.setOptions(ClientOptions.builder()
                .socketOptions(socket)
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .autoReconnect(false)
                .build());
        if (commands != null) {
            RedisCommandCounter counter = new RedisCommandCounter(commands);
            client.addListener(counter);
            workClient.addListener(counter);
        }
    }

    /**
     * Connections to {@code redis} in {@code environment} (the URL is read now), whose commands are
     * counted in {@code commands} (none if null). Whoever creates them closes them.
     */
    public static RedisConnections create(RedisTopology redis, String environment, Function<String, String> redact, CallCounter commands) {
        Secret url = Secret.of(redis.url().required());
        Optional<Boolean> cluster = redis.cluster().optional().map(Boolean::parseBoolean);
        return new RedisConnections(environment, parseSeeds(url, environment), cluster, redact, commands);
    }

    /** Parses {@code redis.url}: one URL, or seeds separated by commas; later seeds may be bare {@code host:port}. */
    static List<RedisURI> parseSeeds(Secret url, String environment) {
        List<RedisURI> seeds = new ArrayList<>();
        RedisURI first = null;
        for (String part : url.reveal().split(",")) {
            String seed = part.trim();
            if (seed.isEmpty()) continue;
            RedisURI uri;
            try {
                if (first != null && !seed.contains("://")) {
                    int colon = seed.lastIndexOf(':');
                    String host = colon > 0 ? seed.substring(0, colon) : seed;
                    int port = colon > 0 ? Integer.parseInt(seed.substring(colon + 1)) : RedisURI.DEFAULT_REDIS_PORT;
                    uri = RedisURI.builder(first).withHost(host).withPort(port).build();
                } else {
                    uri = RedisURI.create(seed);
                }
            } catch (IllegalArgumentException e) {
                // the message could quote the URL, password and all
                throw OpsException.builder("redis.url is not a Redis URL")
                        .service("redis").environment(environment)
                        .hint("use redis://[:password@]host:port[/db] or rediss://...; several cluster seeds separated by commas")
                        .invalidInput();
            }
            uri.setClientName(CLIENT_NAME);
            uri.setTimeout(COMMAND_TIMEOUT);
            if (first == null) first = uri;
            seeds.add(uri);
        }
        if (seeds.isEmpty()) {
            throw OpsException.builder("redis.url is empty").service("redis").environment(environment)
                    .hint("set REDIS_URL (redis://host:6379)").invalidInput();
        }
        return List.copyOf(seeds);
    }

    String environment() {
        return environment;
    }

    /** The first seed: where a standalone server lives, and where a cluster is asked about itself. */
    RedisNode seed() {
        RedisURI s = seeds.get(0);
        return new RedisNode(s.getHost(), s.getPort());
    }

    /** The logical database of a standalone server ({@code /db} in the URL); 0 on a cluster. */
    int database() {
        return topology().cluster() ? 0 : seeds.get(0).getDatabase();
    }

    boolean isCluster() {
        return topology().cluster();
    }

    /** The nodes that own the keyspace: the server itself, or every master of a cluster. */
    List<RedisNode> masters() {
        return topology().masters();
    }

    /** Every reachable node, replicas included. */
    List<RedisNode> nodes() {
        return topology().nodes();
    }

    Topology topology() {
        Topology t = topology;
        if (t == null) {
            synchronized (this) {
                t = topology;
                if (t == null) topology = t = discover();
            }
        }
        return t;
    }

    private Topology discover() {
        RedisNode seed = seed();
        boolean cluster = clusterSetting.orElseGet(() -> call(seed, c -> c.sync().info("cluster")).contains("cluster_enabled:1"));
        if (!cluster) return new Topology(false, List.of(seed), List.of(seed), Map.of());
        String clusterNodes = call(seed, c -> c.sync().clusterNodes());
        List<RedisNode> masters = new ArrayList<>();
        List<RedisNode> all = new ArrayList<>();
        Map<String, RedisNode> byId = new java.util.HashMap<>();
        Map<RedisNode, String> replicaOf = new java.util.HashMap<>();
        for (RedisClusterNode n : ClusterPartitionParser.parse(clusterNodes)) {
            if (n.is(RedisClusterNode.NodeFlag.FAIL) || n.is(RedisClusterNode.NodeFlag.HANDSHAKE)
                    || n.is(RedisClusterNode.NodeFlag.NOADDR) || n.getUri() == null) continue;
            RedisNode node = new RedisNode(n.getUri().getHost(), n.getUri().getPort());
            all.add(node);
            byId.put(n.getNodeId(), node);
            if (n.is(RedisClusterNode.NodeFlag.UPSTREAM) && !n.getSlots().isEmpty()) masters.add(node);
            if (n.is(RedisClusterNode.NodeFlag.REPLICA) && n.getSlaveOf() != null) replicaOf.put(node, n.getSlaveOf());
        }
        Map<RedisNode, List<RedisNode>> replicas = new java.util.HashMap<>();
        replicaOf.forEach((replica, masterId) -> {
            RedisNode master = byId.get(masterId);
            if (master != null) replicas.computeIfAbsent(master, m -> new ArrayList<>()).add(replica);
        });
        if (masters.isEmpty()) {
            throw OpsException.builder("Redis Cluster at " + seed + " reports no master that serves slots")
                    .service("redis").environment(environment).hint("check CLUSTER NODES; the cluster may be failing over").build();
        }
        masters.sort(null);
        all.sort(null);
        replicas.replaceAll((m, list) -> List.copyOf(list));
        return new Topology(true, List.copyOf(masters), List.copyOf(all), Map.copyOf(replicas));
    }

    /**
     * The replicas of {@code master} that report themselves online: on a cluster from
     * {@code CLUSTER NODES}, on a standalone server from its {@code INFO replication}
     * ({@code slaveN:ip=...,port=...,state=online}).
     */
    List<RedisNode> replicasOf(RedisNode master) {
        Topology t = topology();
        if (t.cluster()) return t.replicas().getOrDefault(master, List.of());
        List<RedisNode> out = new ArrayList<>();
        for (String value : RedisInfo.parse(call(master, c -> c.sync().info("replication"))).entrySet().stream()
                .filter(e -> e.getKey().matches("slave[0-9]+")).map(Map.Entry::getValue).toList()) {
            Map<String, String> f = new java.util.HashMap<>();
            for (String part : value.split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) f.put(part.substring(0, eq), part.substring(eq + 1));
            }
            if ("online".equals(f.get("state")) && f.containsKey("ip") && f.containsKey("port")) {
                try {
                    out.add(new RedisNode(f.get("ip"), Integer.parseInt(f.get("port"))));
                } catch (NumberFormatException ignored) {
                    // not a replica we could reach
                }
            }
        }
        return out;
    }

    /** The URI of {@code node}: the seed's credentials, TLS and client name, with the node's address. */
    RedisURI uri(RedisNode node) {
        RedisURI first = seeds.get(0);
        RedisURI.Builder b = RedisURI.builder(first).withHost(node.host()).withPort(node.port());
        if (topology != null && topology.cluster()) b.withDatabase(0);
        RedisURI uri = b.build();
        uri.setClientName(CLIENT_NAME);
        return uri;
    }

    /** The shared connection to {@code node}, opened on first use. */
    StatefulRedisConnection<String, String> connection(RedisNode node) {
        StatefulRedisConnection<String, String> c = connections.get(node);
        if (c != null && c.isOpen()) return c;
        synchronized (this) {
            c = connections.get(node);
            if (c != null && c.isOpen()) return c;
            if (c != null) c.closeAsync();
            c = connect(node, () -> client.connect(StringCodec.UTF8, uri(node)));
            connections.put(node, c);
            return c;
        }
    }

    /**
     * A connection of its own to {@code node} for long work, with binary keys; it does not
     * reconnect. The caller closes it.
     */
    StatefulRedisConnection<byte[], byte[]> openWorkConnection(RedisNode node, String purpose) {
        RedisURI uri = uri(node);
        uri.setClientName(CLIENT_NAME + ":" + purpose);
        return connect(node, () -> workClient.connect(ByteArrayCodec.INSTANCE, uri));
    }

    private <C> C connect(RedisNode node, java.util.function.Supplier<C> connect) {
        try {
            return connect.get();
        } catch (RedisException e) {
            // A refused password can reach us as "Connection closed prematurely": the handshake's error and
            // the closing channel race inside the client. One more attempt names the real reason (WRONGPASS).
            if (!chainText(e).contains("closed prematurely")) throw failure("Cannot connect to Redis at " + node, node, e);
            try {
                return connect.get();
            } catch (RedisException again) {
                throw failure("Cannot connect to Redis at " + node, node, again);
            }
        }
    }

    /** The messages of {@code e}, its causes and what they suppressed, for classifying a failure. */
    private static String chainText(Throwable e) {
        StringBuilder sb = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(e));
        while (!todo.isEmpty()) {
            Throwable t = todo.pop();
            if (!seen.add(t)) continue;
            sb.append(t.getMessage()).append(' ');
            if (t.getCause() != null) todo.push(t.getCause());
            for (Throwable s : t.getSuppressed()) todo.push(s);
        }
        return sb.toString();
    }

    /** Runs {@code work} on the shared connection to {@code node}, turning Redis errors into {@link OpsException}s. */
    <T> T call(RedisNode node, Function<StatefulRedisConnection<String, String>, T> work) {
        StatefulRedisConnection<String, String> c = connection(node);
        try {
            return work.apply(c);
        } catch (RedisException e) {
            throw failure("Redis command failed on " + node, node, e);
        }
    }

    /** Publishes {@code message} on {@code channel} and returns how many subscribers received it (on a cluster: on the node it was sent to); one PUBLISH. */
    public long publish(String channel, String message) {
        return call(topology().masters().get(0), c -> c.sync().publish(channel, message));
    }

    /** Subscribers of each channel, summed over every node: one {@code PUBSUB NUMSUB} per node, O(channels named). */
    public Map<String, Long> numsub(String... channels) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String channel : channels) counts.put(channel, 0L);
        if (channels.length == 0) return counts;
        for (RedisNode node : nodes()) {
            call(node, c -> c.sync().pubsubNumsub(channels)).forEach((k, v) -> counts.merge(k, v, Long::sum));
        }
        return counts;
    }

    /** An {@link OpsException} for a Redis failure, with the reason and what to check; no secret in it. */
    OpsException failure(String what, RedisNode node, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String reason = redact.apply(String.valueOf(e.getMessage()));
        if (root != e && root.getMessage() != null) reason = reason + " (" + redact.apply(root.getMessage()) + ")";
        String text = chainText(e);
        OpsException.Builder b = OpsException.builder(what + ": " + reason).service("redis").environment(environment)
                .resource(String.valueOf(node)).cause(e);
        if (text.contains("WRONGPASS") || text.contains("NOAUTH") || text.contains("invalid password")) {
            return b.hint("check the password in redis.url (REDIS_URL)").accessDenied();
        }
        if (text.contains("NOPERM")) {
            return b.hint("the Redis user lacks a permission (ACL); ask for it or use another user").accessDenied();
        }
        if (e instanceof RedisConnectionException) {
            return b.hint("check redis.url (REDIS_URL) and that the server is reachable").build();
        }
        if (e instanceof RedisCommandTimeoutException) {
            return b.hint("the server did not answer within " + COMMAND_TIMEOUT.toSeconds() + "s; it may be overloaded or unreachable").build();
        }
        if (e instanceof RedisCommandExecutionException) return b.build();
        return b.hint("check that the server is up and reachable").build();
    }

    @Override
    public void close() {
        // the clients' shutdown closes their connections; closing them here as well made Lettuce
        // warn "Connection is already closed" on every context close
        connections.clear();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        workClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
