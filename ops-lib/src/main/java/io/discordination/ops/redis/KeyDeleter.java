package io.discordination.ops.redis;

import io.discordination.ops.OpsException;
import io.discordination.ops.text.Progress;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
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
    static final int DEFAULT_SCAN_COUNT = 250;
    static final int DEFAULT_STREAMS = 2;

    private final RedisConnections redis;
    private final int scanCount;
    private final int streams;

    KeyDeleter(RedisConnections redis, int scanCount, int streams) {
        if (Integer.bitCount(streams) != 1 || streams > 4) throw new IllegalArgumentException("streams must be 1, 2 or 4");
        this.redis = redis;
        this.scanCount = scanCount;
        this.streams = streams;
    }

    /** What one node did: keys deleted (UNLINK's own count) and keys SCAN returned. */
    private static final class NodeRun {
        final RedisNode node;
        final long keyspace;
        final AtomicLong deleted = new AtomicLong();
        final AtomicLong matched = new AtomicLong();
        /** Keys in UNLINKs sent and not answered: when the work stops, Redis may or may not have deleted them. */
        final AtomicLong inFlight = new AtomicLong();
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
                        run.chains.add(new Chain(run, c, pattern, delete, cluster, i, slices, onProgress));
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
                Duration.ofNanos(System.nanoTime() - start), nodes);
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
        return unknown == 0 ? "" : " (and " + count(unknown) + " more sent to be deleted, unanswered, may have been deleted)";
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

    /** One slice's SCAN/UNLINK chain, driven by reply callbacks on its connection's I/O thread. */
    private final class Chain {
        private final NodeRun run;
        private final StatefulRedisConnection<byte[], byte[]> connection;
        private final RedisAsyncCommands<byte[], byte[]> commands;
        private final ScanArgs args;
        private final boolean delete;
        private final boolean cluster;
        private final String startCursor;
        private final double from;
        private final double to;
        private final Runnable onProgress;
        private volatile double at;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Chain(NodeRun run, StatefulRedisConnection<byte[], byte[]> connection, String pattern, boolean delete,
              boolean cluster, int slice, int slices, Runnable onProgress) {
            this.run = run;
            this.connection = connection;
            this.commands = connection.async();
            this.args = ScanArgs.Builder.matches(pattern.getBytes(StandardCharsets.UTF_8)).limit(scanCount);
            this.delete = delete;
            this.cluster = cluster;
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
            commands.scan(ScanCursor.of(startCursor), args).whenComplete(this::onScan);
            connection.flushCommands();
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
                double next = reply.isFinished() ? 1 : scannedFraction(reply.getCursor());
                if (next >= to || reply.isFinished()) {
                    at = to;
                    if (last == null) {
                        done.complete(null);
                    } else {
                        // replies come in order: when the last UNLINK is answered, all are; completing
                        // in a stage after its own count was added keeps that count in the total
                        last.thenRun(() -> done.complete(null));
                    }
                } else {
                    at = Math.max(at, next);
                    commands.scan(reply, args).whenComplete(this::onScan);
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
