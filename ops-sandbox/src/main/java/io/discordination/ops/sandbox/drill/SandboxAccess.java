package io.discordination.ops.sandbox.drill;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.aws.AwsClients;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A running sandbox as scenarios and probes reach it: its addresses ({@link #info()}) and clients
 * of their own, built on first use from those addresses (AWS SDK, Lettuce, JDBC, LiveKit's Twirp
 * API over HTTP, the sandbox agent). Nothing here goes through the library under test. Close it
 * to close every client it built; connections a scenario keeps open on purpose (to fill
 * {@code max_connections}) are closed then too, unless the scenario hands them to
 * {@link #keepOpen}.
 *
 * <pre>{@code
 * try (SandboxAccess sandbox = SandboxAccess.open(Sandbox.at(home))) {
 *     sandbox.aws().ecs().describeServices(r -> r.cluster(sandbox.info().cluster()).services("api"));
 *     sandbox.redis().info("memory");
 * }
 * }</pre>
 */
public final class SandboxAccess implements AutoCloseable {
    private final Sandbox sandbox;
    private SandboxInfo info;
    private AwsClients aws;
    private RedisClient redisClient;
    private StatefulRedisConnection<String, String> redis;
    private HttpClient http;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private SandboxAccess(Sandbox sandbox, SandboxInfo info) {
        this.sandbox = sandbox;
        this.info = info;
    }

    /** The sandbox of {@code sandbox}'s OPS_HOME, which must be up. */
    public static SandboxAccess open(Sandbox sandbox) {
        return new SandboxAccess(sandbox, sandbox.info());
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    public synchronized SandboxInfo info() {
        return info;
    }

    /** AWS SDK clients on moto. */
    public synchronized AwsClients aws() {
        if (aws == null) aws = new AwsClients(info.awsEndpoint(), info.region(), info.accessKeyId(), info.secretAccessKey());
        return aws;
    }

    /** Synchronous Redis commands on database 0, one connection. */
    public synchronized RedisCommands<String, String> redis() {
        if (redis == null) {
            redisClient = RedisClient.create(info.redisUrl());
            redis = redisClient.connect();
        }
        return redis.sync();
    }

    /** A new JDBC connection to the {@code discordination} database as the application's role (closed with this). */
    public Connection database() throws SQLException {
        return remember(DriverManager.getConnection(info.jdbcUrl(), info.databaseUser(), info.databasePassword()));
    }

    /** A new JDBC connection to the {@code discordination} database as the superuser (closed with this). */
    public Connection databaseAsSuperuser() throws SQLException {
        return remember(DriverManager.getConnection(info.jdbcUrl(), info.adminUser(), info.adminPassword()));
    }

    /** A new JDBC connection to the {@code discordination} database as the tool's own role, as {@code psql "$DATABASE_URL"} connects. */
    public Connection databaseAsTool() throws SQLException {
        return remember(DriverManager.getConnection(info.jdbcUrl(), info.opsDatabaseUser(), info.opsDatabasePassword()));
    }

    /** Leaves {@code resource} open when this closes: a break that must outlive the drill's process. */
    public synchronized void keepOpen(AutoCloseable resource) {
        opened.remove(resource);
    }

    private synchronized <T extends AutoCloseable> T remember(T resource) {
        opened.add(resource);
        return resource;
    }

    /**
     * A LiveKit RoomService call in JSON ({@code ListRooms}, {@code ListParticipants}, ...), signed
     * like the server SDK signs it with every grant for {@code room} (empty for room-less calls).
     */
    public HttpResponse<String> livekit(String method, String jsonBody, String room) throws IOException, InterruptedException {
        Instant now = Instant.now();
        Map<String, Object> video = new LinkedHashMap<>();
        video.put("roomList", true);
        video.put("roomCreate", true);
        video.put("roomAdmin", true);
        video.put("room", room == null ? "" : room);
        String token = JWT.create().withIssuer(info.lkKey()).withSubject("drill").withNotBefore(now)
                .withExpiresAt(now.plusSeconds(600)).withClaim("video", video).sign(Algorithm.HMAC256(info.lkSecret()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(info.livekitUrl() + "/twirp/livekit.RoomService/" + method))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody == null ? "{}" : jsonBody, StandardCharsets.UTF_8)).build();
        return http().send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A GET on the LiveKit emulator, e.g. {@code /healthz}. */
    public HttpResponse<String> livekitGet(String path) throws IOException, InterruptedException {
        return http().send(HttpRequest.newBuilder(URI.create(info.livekitUrl() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A POST to the sandbox agent's own endpoints ({@code /sandbox/...}); fails unless it answers 200. */
    public String agent(String path, String jsonBody) throws IOException, InterruptedException {
        HttpResponse<String> answer = http().send(HttpRequest.newBuilder(URI.create(info.livekitUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody == null ? "{}" : jsonBody, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new SandboxException("sandbox agent " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    private synchronized HttpClient http() {
        if (http == null) http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return http;
    }

    /**
     * Reseeds the given components ({@link Sandbox#MOTO}, ...) in place, the others left as they are;
     * connections this access opened are closed first (they would hold what is being reseeded).
     */
    public void reseed(Set<String> components) {
        closeOpened();
        SandboxInfo fresh = sandbox.reset(components, line -> { });
        synchronized (this) {
            info = fresh;
        }
    }

    /**
     * Heals a scenario whose break the sandbox agent holds (a subscribed WebSocket, idle PostgreSQL
     * sessions): asks the agent to release its drill holds, then {@link #reseed reseeds} the components.
     * An agent that is gone holds nothing, so failing to reach it is not an error: the reseed ends
     * whatever the servers still have.
     */
    public void releaseAgentHoldsAndReseed(Set<String> components) {
        try {
            agent("/sandbox/drill/release", null);
        } catch (IOException | SandboxException e) {
            // the agent is gone, and with it its holds
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reseed(components);
    }

    private void closeOpened() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            toClose = new ArrayList<>(opened);
            opened.clear();
        }
        for (AutoCloseable resource : toClose) closeQuietly(resource);
    }

    @Override
    public void close() {
        closeOpened();
        synchronized (this) {
            if (redis != null) closeQuietly(redis);
            if (redisClient != null) redisClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            if (aws != null) aws.close();
            redis = null;
            redisClient = null;
            aws = null;
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception ignored) {
            // a connection the server already ended
        }
    }
}
