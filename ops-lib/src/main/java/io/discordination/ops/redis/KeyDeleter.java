package io.discordination.ops.redis;

import io.discordination.ops.OpsException;
import io.discordination.ops.text.Progress;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.SlotHash;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Deletes (or counts) the keys matching a pattern with SCAN and UNLINK, on every master at once.
 *
 * <p>Where the server runs scripts, each batch is one short Lua script ({@link #BATCH_SCRIPT}): a
 * SCAN with MATCH and COUNT and an UNLINK of exactly the keys it returned, answering with the next
 * cursor and the two counts. The keys never travel to the client and back, so the client's work per
 * key is next to none and the server neither writes them into replies nor parses them back (the
 * script's own overhead takes some of that back: see docs/benchmarks.md for the server's CPU either
 * way). Lua strings are byte strings, so any key is deleted as it is. Each script touches about
 * {@code scanCount} buckets, so none holds the server for long (about a millisecond). Where
 * scripts are refused (an ACL without {@code @scripting}, a managed service that disables them),
 * the client runs the same batches itself: SCAN, then UNLINK of what it returned.
 *
 * <p>A SCAN chain is serial (each call needs the cursor of the one before), so a single chain
 * leaves the server idle while the client reads a reply and writes the next commands. Each node's
 * keyspace is therefore cut into {@code streams} slices, each scanned by a chain on a connection of
 * its own, so that one chain's commands run while the client handles another's reply. The slices
 * come from how SCAN counts: a cursor is a position in the hash table with its bits reversed, so
 * reversing it gives the fraction of the table behind it, whatever the table's size, and that
 * fraction only grows as the scan goes on (resizing included). Slice {@code i} of {@code n} starts
 * at the cursor of fraction {@code i/n} and stops at the first cursor at or past {@code (i+1)/n}.
 * A SCAN may run a little past its slice's end, so a few keys come back twice: UNLINK counts only
 * what it deleted, so the count stays exact, but counting alone (a dry run) takes one chain. A
 * cluster node keeps one chain too: there every master already works in parallel, and newer
 * servers put a slot number in the cursor's low bits.
 *
 * <p>In a chain, each SCAN reply is answered on the I/O thread by an UNLINK of the keys it returned
 * and the next SCAN, written in one flush; replies come back in order, so at most one batch per
 * chain is in flight. Each command touches about {@code scanCount} buckets or keys, so none holds
 * the server for long. UNLINK frees large values in the background. On a cluster, keys are grouped
 * by hash slot: a multi-key command must stay within one slot.
 */
final class KeyDeleter {
    /** Keys per SCAN when the client deletes what SCAN returned. */
    static final int DEFAULT_SCAN_COUNT = 250;
    /** Keys per SCAN inside a batch script: about half a millisecond of server time each. */
    static final int DEFAULT_SCRIPT_SCAN_COUNT = 500;
    static final int DEFAULT_STREAMS = 2;

    /**
     * One batch on the server. ARGV: cursor, pattern, COUNT, mode ({@code 0} count only, {@code 1}
     * UNLINK the batch's keys in a few multi-key calls, {@code 2} one key per call: a cluster node
     * refuses a multi-key command across hash slots, in a script too). Returns the next cursor, the
     * keys SCAN returned and the keys UNLINK deleted. {@code replicate_commands} lets Redis before 5
     * write after SCAN, which is not deterministic; later versions always replicate effects.
     */
    static final String BATCH_SCRIPT = String.join("\n",
            "if redis.replicate_commands then redis.replicate_commands() end",
            "local r = redis.call('SCAN', ARGV[1], 'MATCH', ARGV[2], 'COUNT', ARGV[3])",
            "local keys = r[2]",
            "local deleted = 0",
            "if ARGV[4] == '1' then",
            "  for i = 1, #keys, 500 do",
            "    deleted = deleted + redis.call('UNLINK', unpack(keys, i, math.min(i + 499, #keys)))",
            "  end",
            "elseif ARGV[4] == '2' then",
            "  for i = 1, #keys do deleted = deleted + redis.call('UNLINK', keys[i]) end",
            "end",
            "return {r[1], #keys, deleted}");
    private static final byte[] BATCH_SCRIPT_BYTES = BATCH_SCRIPT.getBytes(StandardCharsets.UTF_8);
    private static final byte[][] NO_KEYS = new byte[0][];

    /** Who runs each batch: the server (a script), the client (SCAN then UNLINK), or whichever the server allows. */
    enum Batches { AUTO, SERVER, CLIENT }

    private final RedisConnections redis;
    private final int scanCount;
    private final int streams;
    private final Batches batches;

    KeyDeleter(RedisConnections redis, int scanCount, int streams) {
        this(redis, scanCount, streams, Batches.AUTO);
    }

    /** {@code scanCount} 0 takes the default of whoever runs the batches. */
    KeyDeleter(RedisConnections redis, int scanCount, int streams, Batches batches) {
        if (Integer.bitCount(streams) != 1 || streams > 4) throw new IllegalArgumentException("streams must be 1, 2 or 4");
        this.redis = redis;
        this.scanCount = scanCount;
        this.streams = streams;
        this.batches = batches;
    }

    /**
     * Whether every master runs our batch script: a script refused (an ACL without
     * {@code @scripting}, scripting disabled) makes the client run the batches.
     */
    private boolean serverRunsBatches(List<RedisNode> masters) {
        if (batches != Batches.AUTO) return batches == Batches.SERVER;
        for (RedisNode node : masters) {
            try {
                redis.call(node, c -> c.sync().<Long>eval("return 1", ScriptOutputType.INTEGER));
            } catch (OpsException e) {
                if (e.getCause() instanceof io.lettuce.core.RedisCommandExecutionException) return false;
                throw e;
            }
        }
        return true;
    }

    /** What one node did: keys deleted (UNLINK's own count) and keys SCAN returned. */
    private static final class NodeRun {
        final RedisNode node;
        final long keyspace;
        final AtomicLong deleted = new AtomicLong();
        final AtomicLong matched = new AtomicLong();
        /** Keys in UNLINKs sent and not answered: when the work stops, Redis may or may not have deleted them. */
        final AtomicLong inFlight = new AtomicLong();
        /**
         * The most keys the batch scripts sent and not answered could delete (SCAN COUNT n returns about
         * n keys, a few more when a bucket holds several): unknown until a script answers.
         */
        final AtomicLong inFlightScriptKeys = new AtomicLong();
        final List<Chain> chains = new ArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();

        NodeRun(RedisNode node, long keyspace) {
            this.node = node;
            this.keyspace = keyspace;
        }

        long scannedEstimate() {
            double covered = 0;
            for (Chain c : chains) covered += c.covered();
            return (long) (Math.min(1, covered) * keyspace);
        }
    }

    /**
     * Deletes the keys matching {@code pattern} on every master ({@code delete} true), or only
     * counts them. A dropped connection or a Redis error ends the work with an {@link OpsException}
     * that says how many keys were deleted; running it again finishes the job.
     */
    DeletedKeys run(String pattern, boolean delete, LongFunction<Progress> progressFactory) {
        long start = System.nanoTime();
        List<RedisNode> masters = redis.masters();
        boolean cluster = redis.isCluster();
        List<NodeRun> runs = new ArrayList<>();
        for (RedisNode node : masters) runs.add(new NodeRun(node, redis.call(node, c -> c.sync().dbsize())));
        long keyspace = runs.stream().mapToLong(r -> r.keyspace).sum();
        boolean serverSide = serverRunsBatches(masters);
        int count = scanCount > 0 ? scanCount : serverSide ? DEFAULT_SCRIPT_SCAN_COUNT : DEFAULT_SCAN_COUNT;

        List<StatefulRedisConnection<byte[], byte[]>> connections = Collections.synchronizedList(new ArrayList<>());
        try (Progress progress = progressFactory.apply(keyspace).unit("keys scanned")) {
            Runnable onProgress = () -> {
                progress.unit(delete ? "keys scanned, " + count(total(runs, true)) + " deleted"
                        : "keys scanned, " + count(total(runs, false)) + " matching");
                progress.set(runs.stream().mapToLong(NodeRun::scannedEstimate).sum());
            };
            try {
                // counting takes one chain: a SCAN that crosses into the next slice returns its first
                // keys twice, harmless for UNLINK (it counts what it deleted) but not for a count
                int slices = cluster || !delete ? 1 : streams;
                for (NodeRun run : runs) {
                    for (int i = 0; i < slices; i++) {
                        StatefulRedisConnection<byte[], byte[]> c = redis.openWorkConnection(run.node, delete ? "delete" : "count");
                        connections.add(c);
                        run.chains.add(new Chain(run, c, pattern, delete, cluster, serverSide, count, i, slices, onProgress));
                    }
                    CompletableFuture.allOf(run.chains.stream().map(ch -> ch.done).toArray(CompletableFuture[]::new))
                            .whenComplete((v, e) -> {
                                if (e == null) run.done.complete(null);
                                else run.done.completeExceptionally(e);
                            });
                }
                runs.forEach(r -> r.chains.forEach(Chain::start));
            } catch (OpsException connectFailed) {
                runs.forEach(r -> r.done.completeExceptionally(connectFailed));
            }
            List<String> failed = new ArrayList<>();
            Throwable firstError = null;
            for (NodeRun run : runs) {
                try {
                    run.done.get();
                } catch (ExecutionException e) {
                    failed.add(run.node.toString());
                    if (firstError == null) firstError = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    connections.forEach(StatefulRedisConnection::closeAsync);
                    throw OpsException.builder("Interrupted after deleting " + count(total(runs, true))
                                    + " keys matching " + pattern + mayHaveBeenDeleted(runs)).service("redis").environment(redis.environment())
                            .hint("run again to finish").build();
                }
            }
            if (firstError != null) throw failure(pattern, delete, runs, failed, firstError);
        } finally {
            connections.forEach(StatefulRedisConnection::closeAsync);
        }
        List<DeletedKeys.NodeCount> nodes = runs.stream()
                .map(r -> new DeletedKeys.NodeCount(r.node.toString(), r.deleted.get(), r.matched.get())).toList();
        return new DeletedKeys(pattern, !delete, total(runs, true), total(runs, false), keyspace,
                Duration.ofNanos(System.nanoTime() - start), nodes, serverSide ? "server" : "client", null);
    }

    private static long total(List<NodeRun> runs, boolean deleted) {
        return runs.stream().mapToLong(r -> deleted ? r.deleted.get() : r.matched.get()).sum();
    }

    private OpsException failure(String pattern, boolean delete, List<NodeRun> runs, List<String> failed, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof OpsException ops) return ops;
        String done = delete ? "after deleting " + count(total(runs, true)) + " keys matching " + pattern + mayHaveBeenDeleted(runs)
                : "after counting " + count(total(runs, false)) + " keys matching " + pattern;
        boolean lost = cause instanceof RedisConnectionException || cause instanceof RedisCommandTimeoutException
                || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("connection");
        String what;
        if (lost) {
            what = "Redis connection lost " + done;
        } else {
            RedisNode node = runs.stream().filter(r -> r.node.toString().equals(failed.get(0))).map(r -> r.node).findFirst().orElse(null);
            OpsException detail = redis.failure("Redis failed", node, cause);
            what = "Redis failed " + done + ": " + detail.what().substring(detail.what().indexOf(": ") + 2);
        }
        return OpsException.builder(what).service("redis").environment(redis.environment())
                .resource(String.join(", ", failed))
                .hint(delete ? "run again to finish; keys already deleted stay deleted" : "run again")
                .cause(cause).build();
    }

    /** The keys whose UNLINK got no answer, which Redis may have deleted too; empty when there are none. */
    private static String mayHaveBeenDeleted(List<NodeRun> runs) {
        long unknown = runs.stream().mapToLong(r -> r.inFlight.get()).sum();
        long byScripts = runs.stream().mapToLong(r -> r.inFlightScriptKeys.get()).sum();
        String sent = unknown == 0 ? "" : " (and " + count(unknown) + " more sent to be deleted, unanswered, may have been deleted)";
        return sent + (byScripts == 0 ? "" : " (and up to about " + count(byScripts)
                + " more sent to be deleted in batches the server runs, unanswered, may have been deleted)");
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** The fraction of the hash table a SCAN cursor has left behind (see the class comment); 0 for the initial cursor. */
    static double scannedFraction(String cursor) {
        long c;
        try {
            c = Long.parseUnsignedLong(cursor);
        } catch (NumberFormatException e) {
            return 0;
        }
        return (Long.reverse(c) >>> 11) / (double) (1L << 53);
    }

    /** The cursor at fraction {@code i/n} of the table, for {@code n} a power of two. */
    static String sliceStart(int i, int n) {
        if (i == 0) return "0";
        int bits = Integer.numberOfTrailingZeros(n);
        return Long.toUnsignedString(Long.reverse((long) i << (64 - bits)));
    }

    /**
     * One slice's chain of batches, driven by reply callbacks on its connection's I/O thread: a
     * batch script's reply is answered by the next script; a SCAN reply (the client runs the
     * batches) by an UNLINK of its keys and the next SCAN, written in one flush.
     */
    private final class Chain {
        private final NodeRun run;
        private final StatefulRedisConnection<byte[], byte[]> connection;
        private final RedisAsyncCommands<byte[], byte[]> commands;
        private final ScanArgs args;
        private final byte[] patternBytes;
        private final byte[] countBytes;
        private final byte[] modeBytes;
        private final long scriptKeyBound;
        private final boolean delete;
        private final boolean cluster;
        private final boolean serverSide;
        private final String startCursor;
        private final double from;
        private final double to;
        private final Runnable onProgress;
        private volatile double at;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Chain(NodeRun run, StatefulRedisConnection<byte[], byte[]> connection, String pattern, boolean delete,
              boolean cluster, boolean serverSide, int scanCount, int slice, int slices, Runnable onProgress) {
            this.run = run;
            this.connection = connection;
            this.commands = connection.async();
            this.patternBytes = pattern.getBytes(StandardCharsets.UTF_8);
            this.args = ScanArgs.Builder.matches(patternBytes).limit(scanCount);
            this.countBytes = Integer.toString(scanCount).getBytes(StandardCharsets.US_ASCII);
            this.modeBytes = (delete ? cluster ? "2" : "1" : "0").getBytes(StandardCharsets.US_ASCII);
            this.scriptKeyBound = 2L * scanCount + 16;
            this.delete = delete;
            this.cluster = cluster;
            this.serverSide = serverSide;
            this.startCursor = sliceStart(slice, slices);
            this.from = slice / (double) slices;
            this.to = (slice + 1) / (double) slices;
            this.at = from;
            this.onProgress = onProgress;
        }

        double covered() {
            return Math.max(0, Math.min(at, to) - from);
        }

        void start() {
            connection.setAutoFlushCommands(false);
            next(startCursor);
            connection.flushCommands();
        }

        private void next(String cursor) {
            if (serverSide) {
                if (delete) run.inFlightScriptKeys.addAndGet(scriptKeyBound);
                commands.<List<Object>>eval(BATCH_SCRIPT_BYTES, ScriptOutputType.MULTI, NO_KEYS,
                        cursor.getBytes(StandardCharsets.US_ASCII), patternBytes, countBytes, modeBytes).whenComplete(this::onBatch);
            } else {
                commands.scan(ScanCursor.of(cursor), args).whenComplete(this::onScan);
            }
        }

        private void onBatch(List<Object> reply, Throwable error) {
            if (error != null) {
                done.completeExceptionally(error);
                return;
            }
            if (done.isDone()) return;
            try {
                if (delete) run.inFlightScriptKeys.addAndGet(-scriptKeyBound);
                String cursor = new String((byte[]) reply.get(0), StandardCharsets.US_ASCII);
                run.matched.addAndGet((Long) reply.get(1));
                run.deleted.addAndGet((Long) reply.get(2));
                if (advance(cursor, "0".equals(cursor))) done.complete(null);
                else next(cursor);
                connection.flushCommands();
                onProgress.run();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }

        /** Moves this slice's position to {@code cursor}; true when the slice is done. */
        private boolean advance(String cursor, boolean finished) {
            double next = finished ? 1 : scannedFraction(cursor);
            if (next >= to || finished) {
                at = to;
                return true;
            }
            at = Math.max(at, next);
            return false;
        }

        private void onScan(KeyScanCursor<byte[]> reply, Throwable error) {
            if (error != null) {
                done.completeExceptionally(error);
                return;
            }
            if (done.isDone()) return;
            try {
                List<byte[]> keys = reply.getKeys();
                run.matched.addAndGet(keys.size());
                CompletionStage<Long> last = null;
                if (delete && !keys.isEmpty()) {
                    for (byte[][] batch : batches(keys)) {
                        run.inFlight.addAndGet(batch.length);
                        RedisFuture<Long> unlink = commands.unlink(batch);
                        last = unlink.whenComplete((deleted, failed) -> onUnlink(deleted, failed, batch.length));
                    }
                }
                if (advance(reply.getCursor(), reply.isFinished())) {
                    if (last == null) {
                        done.complete(null);
                    } else {
                        // replies come in order: when the last UNLINK is answered, all are; completing
                        // in a stage after its own count was added keeps that count in the total
                        last.thenRun(() -> done.complete(null));
                    }
                } else {
                    next(reply.getCursor());
                }
                connection.flushCommands();
                onProgress.run();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }

        private void onUnlink(Long deleted, Throwable error, int sent) {
            if (error != null) {
                done.completeExceptionally(error); // the batch stays in flight: it may have been deleted before the error
            } else {
                if (deleted != null) run.deleted.addAndGet(deleted);
                run.inFlight.addAndGet(-sent);
            }
        }

        private List<byte[][]> batches(List<byte[]> keys) {
            if (!cluster) return Collections.singletonList(keys.toArray(new byte[0][]));
            // one UNLINK per hash slot: Redis Cluster refuses multi-key commands across slots
            Map<Integer, List<byte[]>> bySlot = new HashMap<>();
            for (byte[] key : keys) bySlot.computeIfAbsent(SlotHash.getSlot(key), slot -> new ArrayList<byte[]>(2)).add(key);
            List<byte[][]> out = new ArrayList<>(bySlot.size());
            for (List<byte[]> group : bySlot.values()) out.add(group.toArray(new byte[0][]));
            return out;
        }
    }
}
