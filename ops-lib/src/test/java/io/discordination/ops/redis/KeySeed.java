package io.discordination.ops.redis;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a test server with keys fast: writes the SET commands as RESP into a file and feeds it
 * to {@code redis-cli --pipe}; on a cluster, one file per master, each key sent to the master
 * that owns its slot.
 *
 * <pre>{@code KeySeed.of(group("api:cache:", 5000), group("rl:", 3000)).into(server, dir);}</pre>
 */
public final class KeySeed {
    /** {@code count} string keys {@code prefix0 .. prefix(count-1)} with a value of {@code valueBytes}. */
    public record Group(String prefix, int count, int valueBytes) {
    }

    private final List<Group> groups;

    private KeySeed(List<Group> groups) {
        this.groups = groups;
    }

    public static KeySeed of(Group... groups) {
        return new KeySeed(List.of(groups));
    }

    public static Group group(String prefix, int count) {
        return new Group(prefix, count, 64);
    }

    public long total() {
        return groups.stream().mapToLong(Group::count).sum();
    }

    /** Loads the keys into {@code server}; returns how many. */
    public long into(RedisServer server, Path dir) {
        Path file = dir.resolve("seed-" + server.port() + ".resp");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (Group g : groups) {
                byte[] value = value(g.valueBytes());
                for (int i = 0; i < g.count(); i++) set(out, (g.prefix() + i).getBytes(StandardCharsets.UTF_8), value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.cliWithInput(file, "--pipe");
        return total();
    }

    /** Loads the keys into the cluster's masters, each key where its slot lives; returns how many. */
    public long into(RedisCluster cluster, Path dir) {
        String nodes = cluster.nodes().get(0).cli("CLUSTER", "NODES");
        RedisServer[] owner = new RedisServer[SlotHash.SLOT_COUNT];
        for (RedisClusterNode n : ClusterPartitionParser.parse(nodes)) {
            RedisServer server = cluster.nodes().stream().filter(s -> s.port() == n.getUri().getPort()).findFirst().orElseThrow();
            for (int slot : n.getSlots()) owner[slot] = server;
        }
        Map<RedisServer, OutputStream> files = new HashMap<>();
        Map<RedisServer, Path> paths = new HashMap<>();
        try {
            for (RedisServer s : cluster.nodes()) {
                Path p = dir.resolve("seed-" + s.port() + ".resp");
                paths.put(s, p);
                files.put(s, new BufferedOutputStream(Files.newOutputStream(p), 1 << 20));
            }
            for (Group g : groups) {
                byte[] value = value(g.valueBytes());
                for (int i = 0; i < g.count(); i++) {
                    byte[] key = (g.prefix() + i).getBytes(StandardCharsets.UTF_8);
                    set(files.get(owner[SlotHash.getSlot(key)]), key, value);
                }
            }
            for (OutputStream out : files.values()) out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Thread> loaders = new ArrayList<>();
        for (RedisServer s : cluster.nodes()) {
            Thread t = new Thread(() -> s.cliWithInput(paths.get(s), "--pipe"));
            t.start();
            loaders.add(t);
        }
        for (Thread t : loaders) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return total();
    }

    private static byte[] value(int size) {
        byte[] v = new byte[size];
        for (int i = 0; i < size; i++) v[i] = (byte) ('a' + i % 26);
        return v;
    }

    private static void set(OutputStream out, byte[] key, byte[] value) throws IOException {
        out.write("*3\r\n$3\r\nSET\r\n".getBytes(StandardCharsets.US_ASCII));
        bulk(out, key);
        bulk(out, value);
    }

    private static void bulk(OutputStream out, byte[] b) throws IOException {
        out.write(('$' + Integer.toString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write('\r');
        out.write('\n');
    }
}
