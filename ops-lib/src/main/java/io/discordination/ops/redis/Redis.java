package io.discordination.ops.redis;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.text.ShellWords;
import io.discordination.ops.text.Progress;
import io.lettuce.core.FlushMode;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The environment's Redis ({@code redis.url}; a standalone server or a Redis Cluster, see
 * {@link RedisConnections}): reads for incidents and the cache runbooks' effects, each through
 * the Gate. Reads and deletions that cover the keyspace run on every master of a cluster.
 *
 * <pre>{@code
 * redis().memory();
 * redis().deleteMatching("api:cache:*");   // SCAN + UNLINK in pipelined batches
 * }</pre>
 */
public final class Redis {
    /** Keys per SCAN and per UNLINK: small enough that no command holds the server for long. */
    static final int SCAN_COUNT = KeyDeleter.DEFAULT_SCAN_COUNT;

    private final OpsContext context;
    private final int scanCount;
    private final int streams;

    public Redis(OpsContext context) {
        this(context, SCAN_COUNT, KeyDeleter.DEFAULT_STREAMS);
    }

    /** With other batch sizes and slices per node, for benchmarks. */
    Redis(OpsContext context, int scanCount, int streams) {
        this.context = context;
        this.scanCount = scanCount;
        this.streams = streams;
    }

    private RedisConnections redis() {
        return RedisConnections.of(context);
    }

    /** {@code INFO <section>} ({@code clients}, {@code memory}, {@code keyspace}, ...) parsed into fields, per node. */
    public RedisInfo info(String section) {
        RedisConnections r = redis();
        List<RedisInfo.NodeFields> nodes = new ArrayList<>();
        for (RedisNode node : r.masters()) {
            String text = r.call(node, c -> section == null || section.isBlank() ? c.sync().info() : c.sync().info(section));
            nodes.add(new RedisInfo.NodeFields(node.toString(), RedisInfo.parse(text)));
        }
        return new RedisInfo(section == null ? "" : section, nodes);
    }

    /** {@code INFO} with its default sections. */
    public RedisInfo info() {
        return info("");
    }

    /** Every connected client ({@code CLIENT LIST}) of every node. */
    public RedisClients clients() {
        RedisConnections r = redis();
        List<RedisClients.Client> all = new ArrayList<>();
        for (RedisNode node : r.nodes()) all.addAll(RedisClients.parse(node.toString(), r.call(node, c -> c.sync().clientList())));
        return new RedisClients(all);
    }

    /**
     * Subscribers per channel, summed over every node. With no channel, every active channel
     * ({@code PUBSUB CHANNELS}), most subscribed first.
     */
    public ChannelSubscribers pubsubNumsub(String... channels) {
        RedisConnections r = redis();
        String[] asked = channels;
        if (asked == null || asked.length == 0) {
            java.util.Set<String> active = new java.util.TreeSet<>();
            for (RedisNode node : r.nodes()) active.addAll(r.call(node, c -> c.sync().pubsubChannels()));
            asked = active.toArray(String[]::new);
        }
        Map<String, Long> counts = r.numsub(asked);
        if (channels == null || channels.length == 0) {
            Map<String, Long> sorted = new LinkedHashMap<>();
            counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> sorted.put(e.getKey(), e.getValue()));
            counts = sorted;
        }
        return new ChannelSubscribers(counts);
    }

    /** Used and peak memory, fragmentation, the limit and its eviction policy, evicted keys; per master. */
    public RedisMemory memory() {
        RedisConnections r = redis();
        List<RedisMemory.NodeMemory> nodes = new ArrayList<>();
        for (RedisNode node : r.masters()) {
            Map<String, String> m = RedisInfo.parse(r.call(node, c -> c.sync().info("memory")));
            Map<String, String> s = RedisInfo.parse(r.call(node, c -> c.sync().info("stats")));
            nodes.add(new RedisMemory.NodeMemory(node.toString(), longOf(m.get("used_memory")), longOf(m.get("used_memory_peak")),
                    doubleOf(m.get("mem_fragmentation_ratio")), longOf(m.get("maxmemory")),
                    m.getOrDefault("maxmemory_policy", ""), longOf(s.get("evicted_keys"))));
        }
        return new RedisMemory(nodes);
    }

    /**
     * What {@code redis-cli --bigkeys} reports, for every master: per type the number of keys,
     * their sizes and the biggest one. Reads every key's type and size with pipelined SCAN
     * batches, so it takes a while on a large keyspace; progress shows how far it is.
     */
    public BigKeys bigKeys() {
        RedisConnections r = redis();
        long start = System.nanoTime();
        long keyspace = 0;
        for (RedisNode node : r.masters()) keyspace += r.call(node, c -> c.sync().dbsize());
        Map<String, TypeAgg> byType = new LinkedHashMap<>();
        long sampled = 0;
        try (Progress progress = context.progress("Sampling key sizes", keyspace).unit("keys")) {
            for (RedisNode node : r.masters()) {
                sampled += sampleNode(r, node, byType, progress);
            }
        }
        List<BigKeys.TypeStats> types = new ArrayList<>();
        for (Map.Entry<String, TypeAgg> e : byType.entrySet()) {
            TypeAgg a = e.getValue();
            Long memory = a.biggestKey == null ? null : r.call(a.biggestNode, c -> {
                try {
                    return c.sync().memoryUsage(a.biggestKey);
                } catch (RedisException unsupported) {
                    return null; // MEMORY USAGE is missing on old servers and some managed ones
                }
            });
            types.add(new BigKeys.TypeStats(e.getKey(), a.keys, a.total, unit(e.getKey()), a.biggestKey, a.biggestSize, memory));
        }
        return new BigKeys(sampled, Duration.ofNanos(System.nanoTime() - start), types);
    }

    private static final class TypeAgg {
        long keys;
        long total;
        String biggestKey;
        long biggestSize = -1;
        RedisNode biggestNode;
    }

    private long sampleNode(RedisConnections r, RedisNode node, Map<String, TypeAgg> byType, Progress progress) {
        long sampled = 0;
        try (StatefulRedisConnection<byte[], byte[]> c = r.openWorkConnection(node, "bigkeys")) {
            c.setAutoFlushCommands(false);
            RedisAsyncCommands<byte[], byte[]> a = c.async();
            ScanArgs args = ScanArgs.Builder.limit(scanCount);
            ScanCursor cursor = ScanCursor.INITIAL;
            while (true) {
                RedisFuture<KeyScanCursor<byte[]>> scan = a.scan(cursor, args);
                c.flushCommands();
                KeyScanCursor<byte[]> reply = await(scan);
                List<byte[]> keys = reply.getKeys();
                List<RedisFuture<String>> typeReplies = new ArrayList<>(keys.size());
                for (byte[] key : keys) typeReplies.add(a.type(key));
                c.flushCommands();
                List<String> types = new ArrayList<>(keys.size());
                for (RedisFuture<String> t : typeReplies) types.add(await(t));
                List<RedisFuture<Long>> sizeReplies = new ArrayList<>(keys.size());
                for (int i = 0; i < keys.size(); i++) sizeReplies.add(size(a, types.get(i), keys.get(i)));
                c.flushCommands();
                for (int i = 0; i < keys.size(); i++) {
                    String type = types.get(i);
                    if ("none".equals(type)) continue; // expired or deleted since SCAN saw it
                    long size = sizeReplies.get(i) == null ? 0 : orZero(await(sizeReplies.get(i)));
                    TypeAgg agg = byType.computeIfAbsent(type, t -> new TypeAgg());
                    agg.keys++;
                    agg.total += size;
                    if (size > agg.biggestSize) {
                        agg.biggestSize = size;
                        agg.biggestKey = new String(keys.get(i), StandardCharsets.UTF_8);
                        agg.biggestNode = node;
                    }
                    sampled++;
                }
                progress.advance(keys.size());
                if (reply.isFinished()) break;
                cursor = reply;
            }
        } catch (RedisException e) {
            throw r.failure("Sampling key sizes failed after " + KeyDeleter.count(sampled) + " keys", node, e);
        }
        return sampled;
    }

    private static RedisFuture<Long> size(RedisAsyncCommands<byte[], byte[]> a, String type, byte[] key) {
        return switch (type) {
            case "string" -> a.strlen(key);
            case "list" -> a.llen(key);
            case "set" -> a.scard(key);
            case "zset" -> a.zcard(key);
            case "hash" -> a.hlen(key);
            case "stream" -> a.xlen(key);
            default -> null;
        };
    }

    private static String unit(String type) {
        return switch (type) {
            case "string" -> "bytes";
            case "list" -> "items";
            case "set", "zset" -> "members";
            case "hash" -> "fields";
            case "stream" -> "entries";
            default -> "";
        };
    }

    private static <T> T await(RedisFuture<T> future) {
        return LettuceFutures.awaitOrCancel(future, RedisConnections.COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Publishes {@code message} on {@code channel}; not destructive. Returns how many subscribers
     * received it (on a cluster: those connected to the node it was sent to). In a dry run, nothing
     * is sent and the count is of current subscribers.
     */
    public Published publish(String channel, String message) {
        if (channel == null || channel.isEmpty()) {
            throw OpsException.builder("A channel name is needed to publish").service("redis").invalidInput();
        }
        if (message == null) {
            throw OpsException.builder("A message is needed to publish on " + channel).service("redis").invalidInput();
        }
        RedisConnections r = redis();
        Effect effect = Effect.on("redis", target(r)).verb("publish").param("channel", channel).param("message", message)
                .command("redis-cli -u $REDIS_URL PUBLISH " + ShellWords.quote(channel) + " " + ShellWords.quote(message)).build();
        return context.gate().apply(effect, () -> new Published(channel, r.publish(channel, message), false),
                () -> new Published(channel, r.numsub(channel).get(channel), true));
    }

    /**
     * Empties the database with {@code FLUSHDB ASYNC} (every master of a cluster): sessions, rate
     * limits, caches, everything. Destructive and cannot be undone. For one kind of key, use
     * {@link #deleteMatching(String)}.
     */
    public FlushedDatabase flushDb() {
        RedisConnections r = redis();
        List<RedisNode> masters = r.masters();
        long keys = 0;
        for (RedisNode node : masters) keys += r.call(node, c -> c.sync().dbsize());
        int db = r.database();
        List<String> names = masters.stream().map(RedisNode::toString).toList();
        Effect effect = Effect.on("redis", target(r)).verb("flushdb").param("database", db).param("keys", keys)
                .destructive().command("redis-cli -u $REDIS_URL FLUSHDB ASYNC").build();
        long before = keys;
        return context.gate().apply(effect, () -> {
            for (RedisNode node : masters) r.call(node, c -> c.sync().flushdb(FlushMode.ASYNC));
            return new FlushedDatabase(db, before, names, false);
        }, () -> new FlushedDatabase(db, before, names, true));
    }

    /**
     * Counts the keys matching {@code pattern} with SCAN (every master of a cluster), changing
     * nothing: what {@link #deleteMatching(String)} would delete right now.
     */
    public MatchingKeys countMatching(String pattern) {
        requireSelective(pattern);
        DeletedKeys counted = new KeyDeleter(redis(), scanCount, streams)
                .run(pattern, false, total -> context.progress("Counting keys matching " + pattern, total));
        return new MatchingKeys(pattern, counted.matched(), counted.keyspace());
    }

    /**
     * Deletes every key matching {@code pattern} (Redis glob syntax) with SCAN and UNLINK in
     * pipelined batches, every master of a cluster in parallel, with progress and the number
     * deleted. Destructive. Refuses a pattern that matches every key ({@code *}, empty): use
     * {@link #flushDb()} for that. In a dry run it counts the matching keys and deletes nothing.
     * If the connection drops midway it stops with an error saying how many keys were deleted;
     * running it again finishes the job. Under concurrent writes: every key that matches from the
     * start to the end is deleted (SCAN's guarantee); a matching key written while it runs may or
     * may not be.
     */
    public DeletedKeys deleteMatching(String pattern) {
        requireSelective(pattern);
        RedisConnections r = redis();
        KeyDeleter deleter = new KeyDeleter(r, scanCount, streams);
        Effect.Builder effect = Effect.on("redis", target(r)).verb("delete-matching").param("pattern", pattern)
                .destructive()
                .command("redis-cli -u $REDIS_URL --scan --pattern " + ShellWords.quote(pattern)
                        + " | xargs redis-cli -u $REDIS_URL UNLINK");
        if (context.isDryRun()) {
            DeletedKeys counted = deleter.run(pattern, false, total -> context.progress("Counting keys matching " + pattern, total));
            return context.gate().apply(effect.param("keys", counted.matched()).build(), () -> counted, () -> counted);
        }
        return context.gate().apply(effect.build(),
                () -> deleter.run(pattern, true, total -> context.progress("Deleting keys matching " + pattern, total)), null);
    }

    /** Refuses patterns that would match every key. */
    static void requireSelective(String pattern) {
        if (pattern == null || pattern.isBlank() || pattern.chars().allMatch(ch -> ch == '*' || ch == '?')) {
            throw OpsException.builder("Refusing to delete keys matching '" + (pattern == null ? "" : pattern)
                            + "': that pattern matches every key")
                    .service("redis")
                    .hint("give a selective pattern such as 'api:cache:*'; to empty the whole database use redis().flushDb()")
                    .invalidInput();
        }
    }

    private static String target(RedisConnections r) {
        return r.isCluster() ? "redis cluster " + r.seed() : "redis " + r.seed() + " db " + r.database();
    }

    private static long longOf(String v) {
        if (v == null || v.isBlank()) return 0;
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return (long) doubleOf(v);
        }
    }

    private static double doubleOf(String v) {
        if (v == null || v.isBlank()) return 0;
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long orZero(Long v) {
        return v == null ? 0 : v;
    }

    @Override
    public String toString() {
        return "Redis[" + context.environment().name() + "]";
    }
}
