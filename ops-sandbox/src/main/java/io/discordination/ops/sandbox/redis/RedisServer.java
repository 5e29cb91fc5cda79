package io.discordination.ops.sandbox.redis;

import io.discordination.ops.sandbox.SandboxComponent;
import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.process.Processes;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * {@code redis-server} on a loopback port, in memory only, seeded with the keys the cache
 * runbooks work on ({@code api:cache:*}, {@code rl:*}) and keys that no flush of those may touch
 * ({@code session:*}, {@code presence:*}, {@code user:*}).
 *
 * <pre>{@code RedisServer redis = new RedisServer(sandboxDir); long pid = redis.start(port); redis.seed(port);}</pre>
 */
public final class RedisServer implements SandboxComponent {
    /** Long enough that seeded keys stay for a day of drills, like a cache with a day's TTL. */
    static final long TTL_SECONDS = 86400;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SEED_TIMEOUT = Duration.ofSeconds(30);

    /** One small set of event-loop threads (daemons) for every seed of this JVM, made on first use. */
    private static final class Shared {
        static final ClientResources RESOURCES = DefaultClientResources.builder()
                .ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    }

    private final Path sandboxDir;

    public RedisServer(Path sandboxDir) {
        this.sandboxDir = sandboxDir;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public String commandMark() {
        return "redis-server";
    }

    @Override
    public Path log() {
        return sandboxDir.resolve("logs").resolve("redis.log");
    }

    @Override
    public String address(int port) {
        return url(port);
    }

    @Override
    public Optional<String> missingPrerequisite() {
        return Processes.which("redis-server").isPresent() ? Optional.empty()
                : Optional.of("redis-server (sudo apt-get install -y redis-server redis-tools)");
    }

    @Override
    public long start(int port) {
        Processes.appendMarker(log(), name() + " starting on 127.0.0.1:" + port);
        Path executable = Processes.which("redis-server").orElseThrow(() -> new SandboxException(
                "redis-server is not installed: install it with  sudo apt-get install -y redis-server redis-tools"));
        return Processes.startDetached(List.of(executable.toString(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--protected-mode", "yes", "--dir", sandboxDir.toString(),
                "--loglevel", "notice"), log(), Map.of());
    }

    /**
     * True if the server answers PING with PONG. The check is Redis's inline command and its
     * one-line reply over a socket, not a client: {@code status} and every {@code up} make it, and
     * loading Lettuce for it took about a second (measured), longer than the check itself.
     */
    @Override
    public boolean isHealthy(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) HEALTH_TIMEOUT.toMillis());
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return "+PONG\r\n".equals(new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String healthDetail(int port) {
        return "PING answered PONG";
    }

    public static String url(int port) {
        return "redis://127.0.0.1:" + port + "/0";
    }

    @Override
    public Optional<String> seed(int port, boolean justStarted) {
        seed(port);
        return Optional.of("seeded (api:cache, rl, session, presence, user keys)");
    }

    /**
     * Empties the server and writes the seed keys. The 8,280 commands go in batches of
     * {@link Batches#SIZE}, each batch one EVAL of a script that runs its commands in order; the
     * batches are pipelined (sent without waiting) and every reply is awaited, the first error
     * failing the seed. One command per call took ten times as long through Lettuce (measured:
     * 2.5 to 3.3 s against 0.2 s with batches, in a reset at load 4).
     */
    public void seed(int port) {
        try (Session redis = Session.open(port, SEED_TIMEOUT)) {
            redis.commands().sync().flushall();
            // the server's own defaults, which a drill may have changed (redis-memory-pressure)
            redis.commands().sync().configSet("maxmemory", "0");
            redis.commands().sync().configSet("maxmemory-policy", "noeviction");
            Batches batches = new Batches(redis.commands().async());
            String ttl = Long.toString(TTL_SECONDS);
            Random random = new Random(42);
            String[] paths = {"channels/%d/messages", "guilds/%d/members", "users/%d/profile", "guilds/%d/channels", "channels/%d/pins"};
            for (int i = 0; i < SeedData.API_CACHE_KEYS; i++) {
                String path = String.format(paths[i % paths.length], 1180000000000000000L + i);
                batches.add("SET", "api:cache:GET:/api/v9/" + path, "{\"etag\":\"W/" + Integer.toHexString(random.nextInt())
                        + "\",\"body\":\"" + "x".repeat(40 + random.nextInt(200)) + "\"}", "EX", ttl);
            }
            String[] buckets = {"messages:create", "typing", "reactions:add", "auth:login", "gateway:identify"};
            for (int i = 0; i < SeedData.RATE_LIMIT_KEYS; i++) {
                String client = i % 3 == 0 ? "ip:" + ip(random) : "user:" + userId(random.nextInt(SeedData.USERS));
                batches.add("SET", "rl:" + buckets[i % buckets.length] + ":" + client + ":" + i, Integer.toString(1 + random.nextInt(50)), "EX", ttl);
            }
            for (int i = 0; i < SeedData.SESSION_KEYS; i++) {
                String user = i < SeedData.WELL_KNOWN_USER_SESSIONS ? SeedData.WELL_KNOWN_USER_ID : userId(i % SeedData.USERS);
                String key = "session:" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
                batches.add("HSET", key, "user_id", user, "created_at", Long.toString(1795900000L + random.nextInt(86400)),
                        "client", i % 2 == 0 ? "web" : "desktop");
            }
            for (int i = 0; i < SeedData.PRESENCE_KEYS; i++) {
                batches.add("SET", "presence:" + userId(i), i % 4 == 0 ? "idle" : "online");
            }
            for (int i = 0; i < SeedData.USER_KEYS; i++) {
                batches.add("HSET", "user:" + userId(i) + ":settings", "theme", i % 2 == 0 ? "dark" : "light", "locale", "en-US");
            }
            batches.await();
        } catch (RedisException e) {
            throw new SandboxException("Cannot seed redis on port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Commands collected into batches; each full batch is sent at once as one EVAL whose
     * arguments are, per command, its length and then its words (the seed's keys all live on
     * this one server, so they need not be declared as KEYS).
     */
    private static final class Batches {
        static final int SIZE = 500;
        private static final String RUN_IN_ORDER = """
                local i = 1
                while i <= #ARGV do
                  local n = tonumber(ARGV[i])
                  redis.call(unpack(ARGV, i + 1, i + n))
                  i = i + n + 1
                end
                return 1""";
        private final RedisAsyncCommands<String, String> async;
        private final List<String> words = new ArrayList<>();
        private final List<RedisFuture<Long>> replies = new ArrayList<>();
        private int commands;

        Batches(RedisAsyncCommands<String, String> async) {
            this.async = async;
        }

        void add(String... command) {
            words.add(Integer.toString(command.length));
            words.addAll(List.of(command));
            if (++commands == SIZE) send();
        }

        private void send() {
            if (commands == 0) return;
            replies.add(async.eval(RUN_IN_ORDER, ScriptOutputType.INTEGER, new String[0], words.toArray(new String[0])));
            words.clear();
            commands = 0;
        }

        void await() {
            send();
            RedisFuture<?>[] all = replies.toArray(new RedisFuture<?>[0]);
            if (!LettuceFutures.awaitAll(SEED_TIMEOUT, all)) {
                throw new RedisCommandTimeoutException("the seed's commands were not answered within " + SEED_TIMEOUT.toSeconds() + " s");
            }
            for (RedisFuture<?> reply : all) {
                if (reply.getError() != null) throw new RedisException(reply.getError());
            }
        }
    }

    /** A client with one connection, for one seed; closing it releases the connection at once. */
    private record Session(RedisClient client, StatefulRedisConnection<String, String> connection) implements AutoCloseable {
        static Session open(int port, Duration timeout) {
            RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(timeout).build();
            RedisClient client = RedisClient.create(Shared.RESOURCES, uri);
            client.setOptions(ClientOptions.builder()
                    .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
                    .autoReconnect(false)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
            try {
                return new Session(client, client.connect());
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                throw e;
            }
        }

        StatefulRedisConnection<String, String> commands() {
            return connection;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static String ip(Random random) {
        return "198.51.100." + (1 + random.nextInt(250));
    }

    private static String userId(int n) {
        return SeedData.userId(n);
    }
}
