package io.discordination.ops.sandbox.redis;

import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.process.Processes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code redis-server} on a loopback port, in memory only, seeded with the keys the cache
 * runbooks work on ({@code api:cache:*}, {@code rl:*}) and keys that no flush of those may touch
 * ({@code session:*}, {@code presence:*}, {@code user:*}).
 *
 * <pre>{@code RedisServer redis = new RedisServer(sandboxDir); long pid = redis.start(port); redis.seed(port);}</pre>
 */
public final class RedisServer {
    /** Long enough that seeded keys stay for a day of drills, like a cache with a day's TTL. */
    static final String TTL_SECONDS = "86400";

    private final Path sandboxDir;

    public RedisServer(Path sandboxDir) {
        this.sandboxDir = sandboxDir;
    }

    public Path log() {
        return sandboxDir.resolve("logs").resolve("redis.log");
    }

    public long start(int port) {
        Path executable = Processes.which("redis-server").orElseThrow(() -> new SandboxException(
                "redis-server is not installed: install it with  sudo apt-get install -y redis-server redis-tools"));
        return Processes.startDetached(List.of(executable.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--protected-mode", "yes", "--dir", sandboxDir.toString(),
                "--loglevel", "notice"), log(), Map.of());
    }

    public boolean isHealthy(int port) {
        try (Resp redis = Resp.connect(port)) {
            return "PONG".equals(redis.call("PING"));
        } catch (IOException e) {
            return false;
        }
    }

    public static String url(int port) {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** Empties the server and writes the seed keys. */
    public void seed(int port) {
        try (Resp redis = Resp.connect(port)) {
            redis.call("FLUSHALL");
            Random random = new Random(42);
            String[] paths = {"channels/%d/messages", "guilds/%d/members", "users/%d/profile", "guilds/%d/channels", "channels/%d/pins"};
            for (int i = 0; i < SeedData.API_CACHE_KEYS; i++) {
                String path = String.format(paths[i % paths.length], 1180000000000000000L + i);
                redis.send("SET", "api:cache:GET:/api/v9/" + path, "{\"etag\":\"W/" + Integer.toHexString(random.nextInt())
                        + "\",\"body\":\"" + "x".repeat(40 + random.nextInt(200)) + "\"}", "EX", TTL_SECONDS);
                if (i % 1000 == 999) redis.sync();
            }
            String[] buckets = {"messages:create", "typing", "reactions:add", "auth:login", "gateway:identify"};
            for (int i = 0; i < SeedData.RATE_LIMIT_KEYS; i++) {
                String client = i % 3 == 0 ? "ip:" + ip(random) : "user:" + userId(random.nextInt(SeedData.USERS));
                redis.send("SET", "rl:" + buckets[i % buckets.length] + ":" + client + ":" + i, Integer.toString(1 + random.nextInt(50)), "EX", TTL_SECONDS);
                if (i % 1000 == 999) redis.sync();
            }
            for (int i = 0; i < SeedData.SESSION_KEYS; i++) {
                String user = i < SeedData.WELL_KNOWN_USER_SESSIONS ? SeedData.WELL_KNOWN_USER_ID : userId(i % SeedData.USERS);
                redis.send("HSET", "session:" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()),
                        "user_id", user, "created_at", Long.toString(1795900000L + random.nextInt(86400)), "client", i % 2 == 0 ? "web" : "desktop");
            }
            for (int i = 0; i < SeedData.PRESENCE_KEYS; i++) {
                redis.send("SET", "presence:" + userId(i), i % 4 == 0 ? "idle" : "online");
            }
            for (int i = 0; i < SeedData.USER_KEYS; i++) {
                redis.send("HSET", "user:" + userId(i) + ":settings", "theme", i % 2 == 0 ? "dark" : "light", "locale", "en-US");
            }
            redis.sync();
        } catch (IOException e) {
            throw new SandboxException("Cannot seed redis on port " + port + ": " + e.getMessage(), e);
        }
    }

    private static String ip(Random random) {
        return "198.51.100." + (1 + random.nextInt(250));
    }

    private static String userId(int n) {
        return SeedData.userId(n);
    }
}
