package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxException;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Redis at its maxmemory, evicting: the node's memory limit is a little above what the seed uses,
 * the eviction policy is ElastiCache's default ({@code volatile-lru}), and a burst of large
 * {@code api:cache:*} responses filled it, so Redis evicts keys with a TTL (cache entries, rate
 * limit counters) on every write. All of it real, in the sandbox's redis-server; heal sets the
 * server's seeded configuration (no limit, {@code noeviction}) back and reseeds it.
 *
 * <pre>{@code new RedisMemoryPressure().breakIt(sandbox);   // used_memory at maxmemory, evicted_keys > 0}</pre>
 */
public final class RedisMemoryPressure implements Scenario {
    /** Room above the seed's use: small enough that the burst overflows it. */
    static final long HEADROOM_BYTES = 4L << 20;
    static final int VALUE_BYTES = 16 << 10;
    /** A write of this size must fit without evicting anything once the pressure is gone. */
    static final int PROBE_BYTES = 256 << 10;
    /** The large responses of the burst: a guild search cached page by page. */
    static final String BURST_KEY_PREFIX = "api:cache:GET:/api/v9/guilds/1180000000000000777/search?offset=";

    @Override
    public String name() {
        return "redis-memory-pressure";
    }

    @Override
    public String symptoms() {
        return "Eviction warnings, slow responses: Redis is at its maxmemory and evicting keys.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) {
        RedisCommands<String, String> redis = sandbox.redis();
        long used = field(redis.info("memory"), "used_memory");
        redis.configSet("maxmemory-policy", "volatile-lru");
        redis.configSet("maxmemory", Long.toString(used + HEADROOM_BYTES));
        String body = "r".repeat(VALUE_BYTES);
        SetArgs ttl = SetArgs.Builder.ex(86400);
        long evictedBefore = field(redis.info("stats"), "evicted_keys");
        for (int i = 0; field(redis.info("stats"), "evicted_keys") - evictedBefore < 200; i++) {
            if (i > 5000) throw new SandboxException("Redis did not start evicting after " + i + " large writes");
            redis.set(BURST_KEY_PREFIX + (i * 25), body, ttl);
        }
    }

    @Override
    public List<Probe> probes() {
        return List.of(
                new Probe("Redis uses less than 90 % of its maxmemory", sandbox -> {
                    String memory = sandbox.redis().info("memory");
                    long used = field(memory, "used_memory");
                    long max = field(memory, "maxmemory");
                    if (max == 0) return Observation.pass(mib(used) + " used, no maxmemory");
                    return Observation.of(used < max * 0.9, mib(used) + " of " + mib(max) + " maxmemory ("
                            + Math.round(100.0 * used / max) + " %)");
                }),
                new Probe("a 256 KiB write fits without evicting a key", sandbox -> {
                    RedisCommands<String, String> redis = sandbox.redis();
                    String key = "drill:probe:redis-memory-pressure";
                    long before = field(redis.info("stats"), "evicted_keys");
                    try {
                        redis.set(key, "p".repeat(PROBE_BYTES), SetArgs.Builder.ex(60));
                    } catch (RedisException e) {
                        return Observation.fail("write refused: " + e.getMessage());
                    } finally {
                        redis.del(key);
                    }
                    long evicted = field(redis.info("stats"), "evicted_keys") - before;
                    return Observation.of(evicted == 0, evicted == 0 ? "written, nothing evicted" : "the write evicted " + evicted + " keys");
                }));
    }

    /**
     * The runbook only diagnoses (its remedy is advice: a larger node type, applied in Terraform),
     * so the drill passes when its report shows what an operator needs to see: the limit, the
     * eviction policy that evicts, and the key family that filled the node.
     */
    @Override
    public List<String> evidence(SandboxAccess sandbox) {
        long max = field(sandbox.redis().info("memory"), "maxmemory");
        return List.of(bytes(max), "volatile-lru", BURST_KEY_PREFIX);
    }

    /** As {@code redis().memory()} prints a size (binary units, one decimal). */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    static long field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) return Long.parseLong(line.substring(name.length() + 1).trim());
        }
        throw new SandboxException("INFO has no " + name);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.REDIS);
    }

    /** The seeded configuration back (the reseed sets it too), then the seeded keys. */
    @Override
    public void heal(SandboxAccess sandbox) {
        RedisCommands<String, String> redis = sandbox.redis();
        redis.configSet("maxmemory", "0");
        redis.configSet("maxmemory-policy", "noeviction");
        redis.configResetstat();   // evicted_keys back to 0, as on the seeded server
        sandbox.reseed(touches());
    }
}
