package io.discordination.ops.redis;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
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
import java.util.function.Supplier;

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
    /** {@link #publish}. */
    public static final CommandTemplate PUBLISH = CommandTemplate.of("redis-cli -u \"$REDIS_URL\" PUBLISH <channel> <message>");
    /** {@link #flushDb()}: the database of the URL, on every master of a cluster. */
    public static final CommandTemplate FLUSH_DB = CommandTemplate.of("redis-cli -u \"$REDIS_URL\" -n <database> FLUSHDB ASYNC");
    /**
     * {@link #deleteMatching}: no shell one-liner does what it does, so the command says what ops does and why the
     * seed runbook's pipeline is not the same.
     */
    public static final CommandTemplate DELETE_MATCHING = CommandTemplate.of("# no shell one-liner: ops runs SCAN MATCH <pattern>"
            + " and UNLINKs each batch of keys it returns, on every master, binary-safe; redis-cli --scan --pattern <pattern>"
            + " | xargs redis-cli DEL is not the same: xargs splits a key at blanks, so the key \"api:cache:hello world\""
            + " deletes the unrelated key world");
    private final Supplier<RedisConnections> connections;
    private final HandleContext context;
    private final int scanCount;
    private final int streams;
    private final KeyDeleter.Batches batches;

    /** The Redis of {@code connections}, made on first use (so a handle that sends nothing needs no {@code REDIS_URL}). */
    public Redis(Supplier<RedisConnections> connections, HandleContext context) {
        this(connections, context, 0, KeyDeleter.DEFAULT_STREAMS, KeyDeleter.Batches.AUTO);
    }

    private Redis(Supplier<RedisConnections> connections, HandleContext context, int scanCount, int streams, KeyDeleter.Batches batches) {
        this.connections = connections;
        this.context = context;
        this.scanCount = scanCount;
        this.streams = streams;
        this.batches = batches;
    }

    /** This Redis with other batch sizes (0: the default) and slices per node, for tests and benchmarks. */
    Redis tuned(int scanCount, int streams) {
        return tuned(scanCount, streams, KeyDeleter.Batches.AUTO);
    }

    /** Also choosing who runs the deletion's batches, for tests and benchmarks. */
    Redis tuned(int scanCount, int streams, KeyDeleter.Batches batches) {
        return new Redis(connections, context, scanCount, streams, batches);
    }

    private RedisConnections redis() {
        return connections.get();
    }

    /**
     * {@code INFO <section>} ({@code clients}, {@code memory}, {@code keyspace}, ...) parsed into
     * fields, per master. Cost: one command per master; the server's work is O(1) for every section
     * but {@code keyspace} and {@code commandstats}, which are O(databases) and O(commands).
     */
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

    /**
     * Every connected client ({@code CLIENT LIST}) of every node. Cost: one command per node; the
     * server's work and the reply are O(connected clients), one line each.
     */
    public RedisClients clients() {
        RedisConnections r = redis();
        List<RedisClients.Client> all = new ArrayList<>();
        for (RedisNode node : r.nodes()) all.addAll(RedisClients.parse(node.toString(), r.call(node, c -> c.sync().clientList())));
        return new RedisClients(all);
    }

    /**
     * Subscribers of each named channel ({@code PUBSUB NUMSUB}), summed over every node. Cost: one
     * command per node, server work in proportion to the channels named, not to those that exist.
     * For the whole picture use {@link #pubsub()}; to find channels by name, {@link #pubsubChannels(String, int)}.
     */
    public ChannelSubscribers pubsubNumsub(String... channels) {
        if (channels == null || channels.length == 0) {
            throw OpsException.builder("Name the channels to count subscribers of").service("redis")
                    .hint("redis().pubsub() gives the totals (from INFO and CLIENT LIST); "
                            + "redis().pubsubChannels(\"user:123*\", 50) finds channels by a narrow pattern")
                    .invalidInput();
        }
        return new ChannelSubscribers(redis().numsub(channels));
    }

    /**
     * Pub/sub totals per node (every node, replicas included: a subscriber may sit on any of them)
     * at a cost that does not grow with the number of channels: {@code INFO stats} (active channels
     * and patterns, counters the server keeps) and {@code CLIENT LIST TYPE pubsub} (each subscribed
     * client's {@code sub}/{@code psub} counts, summed here). Cost: two commands per node; the
     * server's work is O(1) for INFO and O(connected clients) for CLIENT LIST, whose reply has one
     * line per subscribed client (a gateway task holds one connection, not one per user). Servers
     * before 5.0 have no {@code TYPE} filter: there every client is listed and the subscribed ones
     * counted.
     */
    public PubSubSummary pubsub() {
        RedisConnections r = redis();
        List<PubSubSummary.NodePubSub> nodes = new ArrayList<>();
        Map<String, long[]> byName = new LinkedHashMap<>();
        for (RedisNode node : r.nodes()) {
            Map<String, String> stats = RedisInfo.parse(r.call(node, c -> c.sync().info("stats")));
            String list = r.call(node, c -> {
                try {
                    return c.sync().clientList(io.lettuce.core.ClientListArgs.Builder.typePubsub());
                } catch (io.lettuce.core.RedisCommandExecutionException noTypeFilter) {
                    return c.sync().clientList();
                }
            });
            long clients = 0;
            long subs = 0;
            long psubs = 0;
            for (RedisClients.Client client : RedisClients.parse(node.toString(), list)) {
                if (client.subscriptions() + client.patternSubscriptions() == 0) continue;
                clients++;
                subs += client.subscriptions();
                psubs += client.patternSubscriptions();
                long[] g = byName.computeIfAbsent(client.name().isEmpty() ? "(unnamed)" : client.name(), k -> new long[3]);
                g[0]++;
                g[1] += client.subscriptions();
                g[2] += client.patternSubscriptions();
            }
            nodes.add(new PubSubSummary.NodePubSub(node.toString(), longOf(stats.get("pubsub_channels")),
                    longOf(stats.get("pubsub_patterns")), longOf(stats.get("pubsubshard_channels")), clients, subs, psubs));
        }
        List<PubSubSummary.ClientGroup> top = byName.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1] + b.getValue()[2], a.getValue()[1] + a.getValue()[2]))
                .limit(PubSubSummary.TOP_NAMES)
                .map(e -> new PubSubSummary.ClientGroup(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]))
                .toList();
        return new PubSubSummary(nodes, top, Math.max(0, byName.size() - top.size()));
    }

    /** Characters a pattern must start with before its first wildcard, for {@link #pubsubChannels(String, int)}. */
    static final int NARROW_PREFIX = 3;
    /** The most channels {@link #pubsubChannels(String, int)} returns. */
    static final int MAX_CHANNELS_LISTED = 1000;

    /**
     * The active channels matching a narrow {@code pattern} (at least {@value #NARROW_PREFIX}
     * characters before its first wildcard, such as {@code user:123*}), at most {@code limit} of
     * them (at most {@value #MAX_CHANNELS_LISTED}), with their subscribers, most subscribed first.
     * Cost: {@code PUBSUB CHANNELS pattern} on every node, where Redis matches the pattern against
     * every active channel, so the server's work is O(channels) however narrow the pattern (measured:
     * 0.57 s with 500,000 channels on a busy 2-core machine, the server blocked meanwhile; see
     * docs/benchmarks.md); the reply holds only the matches,
     * then one {@code PUBSUB NUMSUB} per node for at most {@code limit} of them. Ask it a narrow
     * question, once; {@link #pubsub()} is what an incident runbook reads.
     */
    public ChannelSubscribers pubsubChannels(String pattern, int limit) {
        int firstWildcard = pattern == null ? -1 : indexOfWildcard(pattern);
        if (pattern == null || (firstWildcard >= 0 && firstWildcard < NARROW_PREFIX) || pattern.length() < NARROW_PREFIX) {
            throw OpsException.builder("Refusing to list channels matching '" + (pattern == null ? "" : pattern)
                            + "': it needs at least " + NARROW_PREFIX + " characters before its first wildcard")
                    .service("redis")
                    .hint("narrow it (user:123*); for totals use redis().pubsub()").invalidInput();
        }
        if (limit < 1 || limit > MAX_CHANNELS_LISTED) {
            throw OpsException.builder("The limit must be 1 to " + MAX_CHANNELS_LISTED + ", not " + limit).service("redis").invalidInput();
        }
        RedisConnections r = redis();
        java.util.Set<String> found = new java.util.TreeSet<>();
        boolean more = false;
        for (RedisNode node : r.nodes()) {
            for (String channel : r.call(node, c -> c.sync().pubsubChannels(pattern))) {
                if (found.size() < limit) found.add(channel);
                else if (!found.contains(channel)) more = true;
            }
        }
        Map<String, Long> counts = found.isEmpty() ? Map.of() : r.numsub(found.toArray(String[]::new));
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new ChannelSubscribers(sorted, more);
    }

    private static int indexOfWildcard(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '*' || ch == '?' || ch == '[' || ch == '\\') return i;
        }
        return -1;
    }

    /**
     * Used and peak memory, fragmentation, the limit and its eviction policy, evicted keys; per
     * master. Cost: {@code INFO memory} and {@code INFO stats} per master, each O(1) on the server.
     */
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

    /** {@link #bigKeys(BigKeys.Budget)} with {@link BigKeys.Budget#DEFAULT}: 100,000 keys or 10 seconds. */
    public BigKeys bigKeys() {
        return bigKeys(BigKeys.Budget.DEFAULT);
    }

    /**
     * What {@code redis-cli --bigkeys} reports, from a sample that stays within {@code budget}:
     * each master's share of the keys budget is in proportion to its keys, and every master is read
     * at once, each from one of its replicas where it has one (so the master serving traffic is not
     * the one loaded). SCAN walks the hash table from its start, whose buckets hold keys in hash
     * order, so the keys it meets are an unbiased sample; it stops at the node's share of keys or
     * when the time is up, whichever comes first. Cost per node: DBSIZE, then per sampled key TYPE,
     * a size (STRLEN, LLEN, SCARD, ZCARD, HLEN or XLEN, each O(1)) and
     * {@code MEMORY USAGE key SAMPLES 5} (O(5)), pipelined in batches of {@value #SAMPLE_BATCH}: about
     * three commands per sampled key, whatever the keyspace's size, and never more than the budget.
     */
    public BigKeys bigKeys(BigKeys.Budget budget) {
        RedisConnections r = redis();
        long start = System.nanoTime();
        long deadline = start + budget.time().toNanos();
        List<RedisNode> masters = r.masters();
        long[] keys = new long[masters.size()];
        long keyspace = 0;
        for (int i = 0; i < masters.size(); i++) {
            RedisNode node = masters.get(i);
            keys[i] = r.call(node, c -> c.sync().dbsize());
            keyspace += keys[i];
        }
        List<NodeSampler> samplers = new ArrayList<>();
        for (int i = 0; i < masters.size(); i++) {
            long share = keyspace == 0 ? 0 : Math.max(1, Math.round((double) budget.keys() * keys[i] / keyspace));
            samplers.add(new NodeSampler(r, masters.get(i), keys[i], Math.min(share, keys[i]), deadline));
        }
        try (Progress progress = context.progress("Sampling key sizes", Math.min(budget.keys(), keyspace)).unit("keys")) {
            List<java.util.concurrent.CompletableFuture<Void>> running = new ArrayList<>();
            for (NodeSampler sampler : samplers) {
                java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
                Thread thread = new Thread(() -> {
                    try {
                        sampler.sample(progress);
                        done.complete(null);
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                    }
                }, "ops-redis-bigkeys-" + sampler.master);
                thread.setDaemon(true);
                thread.start();
                running.add(done);
            }
            for (java.util.concurrent.CompletableFuture<Void> done : running) {
                try {
                    done.join();
                } catch (java.util.concurrent.CompletionException e) {
                    if (e.getCause() instanceof RuntimeException failure) throw failure;
                    throw e;
                }
            }
        }
        Map<String, TypeAgg> byType = new java.util.TreeMap<>();
        long sampled = 0;
        boolean complete = true;
        String stoppedBy = "";
        List<BigKeys.NodeSample> nodes = new ArrayList<>();
        for (NodeSampler sampler : samplers) {
            sampled += sampler.sampled;
            complete &= sampler.finished;
            if (!sampler.finished && stoppedBy.isEmpty()) stoppedBy = sampler.stoppedBy;
            else if (!sampler.finished && !stoppedBy.equals(sampler.stoppedBy)) stoppedBy = "keys and time";
            nodes.add(new BigKeys.NodeSample(sampler.master.toString(), sampler.readFrom.toString(), sampler.sampled, sampler.keys));
            // what a node's sample stands for: its keys over the keys read there
            double scale = sampler.sampled == 0 ? 0 : sampler.finished ? 1 : sampler.keys / (double) sampler.sampled;
            sampler.byType.forEach((type, a) -> {
                TypeAgg total = byType.computeIfAbsent(type, t -> new TypeAgg());
                total.keys += a.keys;
                total.total += a.total;
                total.memory += a.memory;
                total.estimatedKeys += a.keys * scale;
                total.estimatedMemory += a.memory * scale;
                if (a.biggestSize > total.biggestSize) {
                    total.biggestSize = a.biggestSize;
                    total.biggestKey = a.biggestKey;
                    total.biggestMemory = a.biggestMemory;
                }
            });
        }
        List<BigKeys.TypeStats> types = new ArrayList<>();
        byType.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().memory, a.getValue().memory)).forEach(e -> {
            TypeAgg a = e.getValue();
            types.add(new BigKeys.TypeStats(e.getKey(), a.keys, a.total, unit(e.getKey()), a.biggestKey, a.biggestSize,
                    a.biggestMemory, a.memory, Math.round(a.estimatedKeys), Math.round(a.estimatedMemory)));
        });
        return new BigKeys(sampled, keyspace, Duration.ofNanos(System.nanoTime() - start), budget, complete,
                complete ? "" : stoppedBy, nodes, types);
    }

    /** Keys per pipelined batch of the sample: TYPE, size and MEMORY USAGE for each. */
    static final int SAMPLE_BATCH = 500;

    private static final class TypeAgg {
        long keys;
        long total;
        long memory;
        double estimatedKeys;
        double estimatedMemory;
        String biggestKey;
        long biggestSize = -1;
        Long biggestMemory;
    }

    /** One master's sample, read on a connection of its own from the master or one of its replicas. */
    private final class NodeSampler {
        final RedisConnections r;
        final RedisNode master;
        final long keys;
        final long share;
        final long deadline;
        final Map<String, TypeAgg> byType = new LinkedHashMap<>();
        RedisNode readFrom;
        long sampled;
        boolean finished;
        String stoppedBy = "";

        NodeSampler(RedisConnections r, RedisNode master, long keys, long share, long deadline) {
            this.r = r;
            this.master = master;
            this.keys = keys;
            this.share = share;
            this.deadline = deadline;
            this.readFrom = master;
        }

        void sample(Progress progress) {
            if (keys == 0) {
                finished = true;
                return;
            }
            try (StatefulRedisConnection<byte[], byte[]> c = open()) {
                c.setAutoFlushCommands(false);
                RedisAsyncCommands<byte[], byte[]> a = c.async();
                ScanArgs args = ScanArgs.Builder.limit(Math.min(SAMPLE_BATCH, Math.max(10, share)));
                ScanCursor cursor = ScanCursor.INITIAL;
                while (true) {
                    RedisFuture<KeyScanCursor<byte[]>> scan = a.scan(cursor, args);
                    c.flushCommands();
                    KeyScanCursor<byte[]> reply = await(scan);
                    List<byte[]> batch = reply.getKeys();
                    if (batch.size() > share - sampled) batch = batch.subList(0, (int) (share - sampled));
                    List<RedisFuture<String>> typeReplies = new ArrayList<>(batch.size());
                    List<RedisFuture<Long>> memoryReplies = new ArrayList<>(batch.size());
                    for (byte[] key : batch) {
                        typeReplies.add(a.type(key));
                        memoryReplies.add(a.dispatch(io.lettuce.core.protocol.CommandType.MEMORY,
                                new io.lettuce.core.output.IntegerOutput<>(io.lettuce.core.codec.ByteArrayCodec.INSTANCE),
                                new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.ByteArrayCodec.INSTANCE)
                                        .add("USAGE").addKey(key).add("SAMPLES").add(5)));
                    }
                    c.flushCommands();
                    List<String> types = new ArrayList<>(batch.size());
                    for (RedisFuture<String> t : typeReplies) types.add(await(t));
                    List<RedisFuture<Long>> sizeReplies = new ArrayList<>(batch.size());
                    for (int i = 0; i < batch.size(); i++) sizeReplies.add(size(a, types.get(i), batch.get(i)));
                    c.flushCommands();
                    int counted = 0;
                    for (int i = 0; i < batch.size(); i++) {
                        String type = types.get(i);
                        if ("none".equals(type)) continue; // expired or deleted since SCAN saw it
                        long size = sizeReplies.get(i) == null ? 0 : orZero(await(sizeReplies.get(i)));
                        Long memory = memoryOrNull(memoryReplies.get(i));
                        TypeAgg agg = byType.computeIfAbsent(type, t -> new TypeAgg());
                        agg.keys++;
                        agg.total += size;
                        agg.memory += memory == null ? 0 : memory;
                        if (size > agg.biggestSize) {
                            agg.biggestSize = size;
                            agg.biggestKey = new String(batch.get(i), StandardCharsets.UTF_8);
                            agg.biggestMemory = memory;
                        }
                        counted++;
                    }
                    sampled += counted;
                    progress.advance(counted);
                    if (reply.isFinished()) {
                        finished = true;
                        return;
                    }
                    if (sampled >= share) {
                        // SCAN may hand out a node's last keys before the reply whose cursor says it is done:
                        // a budget that covers the whole node (DBSIZE) has then read every key
                        if (share >= keys) finished = true;
                        else stoppedBy = "keys";
                        return;
                    }
                    if (System.nanoTime() >= deadline) {
                        stoppedBy = "time";
                        return;
                    }
                    cursor = reply;
                }
            } catch (RedisException e) {
                throw r.failure("Sampling key sizes failed after " + KeyDeleter.count(sampled) + " keys", readFrom, e);
            }
        }

        /** A work connection to a replica of the master where one answers (READONLY on a cluster), else to the master. */
        private StatefulRedisConnection<byte[], byte[]> open() {
            for (RedisNode replica : replicasOrNone()) {
                try {
                    StatefulRedisConnection<byte[], byte[]> c = r.openWorkConnection(replica, "bigkeys");
                    if (r.isCluster()) c.sync().readOnly();
                    readFrom = replica;
                    return c;
                } catch (OpsException | RedisException unreachable) {
                    // a replica we cannot reach (another network, gone): try the next, then the master
                }
            }
            readFrom = master;
            return r.openWorkConnection(master, "bigkeys");
        }

        private List<RedisNode> replicasOrNone() {
            try {
                return r.replicasOf(master);
            } catch (OpsException e) {
                return List.of();
            }
        }
    }

    /** MEMORY USAGE's answer, or null where the server lacks it (old servers, some managed ones). */
    private static Long memoryOrNull(RedisFuture<Long> reply) {
        try {
            return await(reply);
        } catch (RedisException unsupported) {
            return null;
        }
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
     * is sent and the count is of current subscribers. Cost: one PUBLISH, O(subscribers of the
     * channel + patterns); in a dry run one {@code PUBSUB NUMSUB} of that channel per node.
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
                .command(PUBLISH.with("channel", channel).with("message", message)).build();
        return context.gate().apply(effect, () -> new Published(channel, r.publish(channel, message), false, effect),
                () -> new Published(channel, r.numsub(channel).get(channel), true, effect));
    }

    /**
     * Empties the database with {@code FLUSHDB ASYNC} (every master of a cluster): sessions, rate
     * limits, caches, everything. Destructive and cannot be undone. For one kind of key, use
     * {@link #deleteMatching(String)}. Cost: DBSIZE and {@code FLUSHDB ASYNC} per master, each O(1)
     * on the server's main thread (the memory is freed in the background).
     */
    public FlushedDatabase flushDb() {
        RedisConnections r = redis();
        List<RedisNode> masters = r.masters();
        long keys = 0;
        for (RedisNode node : masters) keys += r.call(node, c -> c.sync().dbsize());
        int db = r.database();
        List<String> names = masters.stream().map(RedisNode::toString).toList();
        Effect effect = Effect.on("redis", target(r)).verb("flushdb").param("database", db).param("keys", keys)
                .destructive().command(FLUSH_DB.with("database", db)).build();
        long before = keys;
        return context.gate().apply(effect, () -> {
            for (RedisNode node : masters) r.call(node, c -> c.sync().flushdb(FlushMode.ASYNC));
            return new FlushedDatabase(db, before, names, false, effect);
        }, () -> new FlushedDatabase(db, before, names, true, effect));
    }

    /**
     * Counts the keys matching {@code pattern} with SCAN (every master of a cluster), changing
     * nothing: what {@link #deleteMatching(String)} would delete right now. Cost: one pass over the
     * keyspace, in batches of a few hundred keys (one short script each where the server runs
     * scripts, else a SCAN each), so O(keys) on the server spread over about keys/500 commands,
     * none long; only the counts come back.
     */
    public MatchingKeys countMatching(String pattern) {
        requireSelective(pattern);
        DeletedKeys counted = new KeyDeleter(redis(), scanCount, streams, batches)
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
     * may not be. Cost: one pass over the keyspace counting as it deletes (no counting pass first),
     * O(keys) SCAN work plus O(matching keys) UNLINK work on the server, in about keys/500 short
     * scripts (under a millisecond each); the client's work per key is next to none. Where scripts
     * are refused, the client runs each batch: SCAN COUNT 250, then UNLINK of the keys it returned.
     * In a dry run, the counting pass of {@link #countMatching(String)}.
     */
    public DeletedKeys deleteMatching(String pattern) {
        requireSelective(pattern);
        RedisConnections r = redis();
        KeyDeleter deleter = new KeyDeleter(r, scanCount, streams, batches);
        Effect.Builder described = Effect.on("redis", target(r)).verb("delete-matching").param("pattern", pattern)
                .destructive()
                .command(DELETE_MATCHING.with("pattern", pattern));
        if (context.isDryRun()) {
            DeletedKeys counted = deleter.run(pattern, false, total -> context.progress("Counting keys matching " + pattern, total));
            Effect effect = described.param("keys", counted.matched()).build();
            return context.gate().apply(effect, () -> counted.of(effect), () -> counted.of(effect));
        }
        if (context.gate().asksBeforeDestructive()) {
            // the person asked sees how many keys it deletes, as the plan shows it; a SCAN that deletes nothing
            described.param("keys", new KeyDeleter(r, scanCount, streams)
                    .run(pattern, false, total -> context.progress("Counting keys matching " + pattern, total)).matched());
        }
        Effect effect = described.build();
        return context.gate().apply(effect,
                () -> deleter.run(pattern, true, total -> context.progress("Deleting keys matching " + pattern, total)).of(effect), null);
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
