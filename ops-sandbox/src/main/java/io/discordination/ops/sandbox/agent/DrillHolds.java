package io.discordination.ops.sandbox.agent;

import io.discordination.ops.sandbox.SandboxInfo;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a drill's break keeps open in the sandbox agent, so it outlives the command that broke the
 * sandbox ({@code ops sandbox break} exits at once): idle PostgreSQL sessions of the application's
 * role, as a leaking pool leaves them, and the gateway's subscription to a user's pub/sub channel,
 * as a connected WebSocket holds it. {@link #release()} ends all of them ({@code ops sandbox heal},
 * a reset).
 *
 * <pre>{@code holds.holdIdle(80, "discordination-api"); holds.subscribeGateway(userId); holds.release();}</pre>
 */
final class DrillHolds {
    /** What the gateway does on this message on a user's channel: it closes that user's WebSockets. */
    static final String FORCE_DISCONNECT = "ForceDisconnect";

    private final Supplier<SandboxInfo> info;
    private final Consumer<String> log;
    private final List<Connection> idle = new CopyOnWriteArrayList<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    DrillHolds(Supplier<SandboxInfo> info, Consumer<String> log) {
        this.info = info;
        this.log = log;
    }

    private record Subscription(String channel, RedisClient client, StatefulRedisPubSubConnection<String, String> connection) {
        void close() {
            try {
                connection.close();
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
    }

    /**
     * Opens {@code count} sessions to the {@code discordination} database as the application's role
     * and leaves them idle (each ran one query, as a pool's health check does). Four logins at a
     * time: a scram login costs a few milliseconds of CPU each.
     */
    synchronized int holdIdle(int count, String applicationName) throws SQLException {
        SandboxInfo sandbox = info.get();
        ExecutorService logins = Executors.newFixedThreadPool(4);
        try {
            List<Future<Connection>> opening = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                opening.add(logins.submit(() -> {
                    Properties props = new Properties();
                    props.setProperty("user", sandbox.databaseUser());
                    props.setProperty("password", sandbox.databasePassword());
                    props.setProperty("ApplicationName", applicationName);
                    props.setProperty("connectTimeout", "20");
                    Connection c = DriverManager.getConnection(sandbox.jdbcUrl(), props);
                    try (Statement s = c.createStatement()) {
                        s.execute("select 1");
                    }
                    return c;
                }));
            }
            SQLException failure = null;
            for (Future<Connection> f : opening) {
                try {
                    idle.add(f.get());
                } catch (Exception e) {
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    if (failure == null) failure = cause instanceof SQLException se ? se : new SQLException(cause.getMessage(), cause);
                }
            }
            log.accept("drill: holding " + idle.size() + " idle sessions as " + sandbox.databaseUser() + " (" + applicationName + ")");
            if (failure != null) throw failure;
            return idle.size();
        } finally {
            logins.shutdownNow();
        }
    }

    /**
     * Subscribes to {@code user:<userId>} as the gateway does for a connected user; on a
     * {@code ForceDisconnect} message the subscription is closed, as the gateway closes the user's
     * WebSocket and leaves the channel.
     */
    synchronized void subscribeGateway(String userId) {
        SandboxInfo sandbox = info.get();
        String channel = "user:" + userId;
        RedisClient client = RedisClient.create(RedisURI.create(sandbox.redisUrl()));
        StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
        Subscription subscription = new Subscription(channel, client, connection);
        connection.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String message) {
                if (!from.equals(channel) || !message.contains(FORCE_DISCONNECT)) return;
                log.accept("drill: gateway closed the WebSocket of " + channel + " on " + FORCE_DISCONNECT);
                subscriptions.remove(subscription);
                // not on Lettuce's event loop, which this callback runs on
                Thread closer = new Thread(subscription::close, "drill-disconnect");
                closer.setDaemon(true);
                closer.start();
            }
        });
        connection.sync().clientSetname("gateway-ws-" + userId);
        connection.sync().subscribe(channel);
        subscriptions.add(subscription);
        log.accept("drill: gateway subscribed to " + channel);
    }

    /** Ends every held session and subscription; returns how many there were. */
    synchronized int release() {
        int n = idle.size() + subscriptions.size();
        for (Connection c : idle) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already ended by the server (terminated, or the database was recreated)
            }
        }
        idle.clear();
        for (Subscription s : subscriptions) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // the server closed it
            }
        }
        subscriptions.clear();
        if (n > 0) log.accept("drill: released " + n + " held connections");
        return n;
    }

    /** {@code {"idleSessions":N,"subscriptions":M}}, counting what is still open. */
    String status() {
        long open = idle.stream().filter(c -> {
            try {
                return !c.isClosed();
            } catch (SQLException e) {
                return false;
            }
        }).count();
        return "{\"idleSessions\":" + open + ",\"subscriptions\":" + subscriptions.size() + "}";
    }
}
