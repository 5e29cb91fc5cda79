package io.discordination.ops.examples.admin;

import io.discordination.ops.OpsContext;
import io.discordination.ops.Secret;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded library, driven over HTTP, checked with JDBC and a Redis subscriber of our own. */
@ExtendWith(SandboxExtension.class)
class AdminServiceTest {
    private static final String TOKEN = "admin-token-for-tests-0123456789";

    @TempDir
    Path home;

    private SandboxInfo sandbox;
    private OpsContext ops;
    private AdminService admin;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start(SandboxInfo sandbox) throws Exception {
        this.sandbox = sandbox;
        ops = OpsContext.builder().environment(Environment.load(sandbox.environmentFile())).opsHome(home)
                .confirmer(Confirmer.approveAll()).build();
        admin = AdminService.start(ops, new InetSocketAddress("127.0.0.1", 0), Secret.of(TOKEN));
    }

    @AfterEach
    void stop() {
        admin.close();
        ops.close();
    }

    private Connection database() throws Exception {
        return DriverManager.getConnection(sandbox.jdbcUrl(), sandbox.databaseUser(), sandbox.databasePassword());
    }

    private UUID newUserWithSessions(int sessions) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = database()) {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO users (id, username, email) VALUES (?, ?, ?)")) {
                st.setObject(1, id);
                st.setString(2, "admin-example-" + id);
                st.setString(3, id + "@example.com");
                st.executeUpdate();
            }
            for (int i = 0; i < sessions; i++) {
                try (PreparedStatement st = c.prepareStatement("INSERT INTO sessions (user_id, token_hash) VALUES (?, ?)")) {
                    st.setObject(1, id);
                    st.setString(2, "hash-" + id + "-" + i);
                    st.executeUpdate();
                }
            }
        }
        return id;
    }

    private long count(String sql, UUID id) throws Exception {
        try (Connection c = database(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, id);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) request.header("Authorization", "Bearer " + token);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void lockDown_whenAuthorized_invalidatesSessionsDisconnectsAndDisables() throws Exception {
        UUID victim = newUserWithSessions(3);
        UUID bystander = newUserWithSessions(2);
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        RedisClient redis = RedisClient.create(sandbox.redisUrl());
        try (StatefulRedisPubSubConnection<String, String> sub = redis.connectPubSub()) {
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(channel + " " + message);
                }
            });
            sub.sync().subscribe("user:" + victim);

            HttpResponse<String> response = call("POST", "/accounts/" + victim + "/lock-down", TOKEN);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("user:" + victim + " {\"type\":\"ForceDisconnect\"}");
        } finally {
            redis.shutdown();
        }
        assertThat(count("SELECT count(*) FROM sessions WHERE user_id = ?", victim)).isZero();
        assertThat(count("SELECT count(*) FROM users WHERE id = ? AND disabled", victim)).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM sessions WHERE user_id = ?", bystander)).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM users WHERE id = ? AND disabled", bystander)).isZero();
        assertThat(ops.gate().audit().read()).extracting(AuditLog.Record::event).contains("started", "ok").doesNotContain("failed");
    }

    @Test
    void lockDown_whenTokenWrongOrMissing_is401AndChangesNothing() throws Exception {
        UUID user = newUserWithSessions(1);
        assertThat(call("POST", "/accounts/" + user + "/lock-down", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
        assertThat(call("POST", "/accounts/" + user + "/lock-down", null).statusCode()).isEqualTo(401);
        assertThat(count("SELECT count(*) FROM sessions WHERE user_id = ?", user)).isEqualTo(1);
        assertThat(ops.gate().audit().read()).isEmpty();
    }

    @Test
    void lockDown_whenIdIsAnInjectionAttempt_is400AndChangesNothing() throws Exception {
        UUID user = newUserWithSessions(1);
        HttpResponse<String> response = call("POST", "/accounts/x'%20OR%20'1'='1/lock-down", TOKEN);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("UUID");
        assertThat(count("SELECT count(*) FROM sessions WHERE user_id = ?", user)).isEqualTo(1);
    }

    @Test
    void status_whenUserExists_reportsSessions() throws Exception {
        UUID user = newUserWithSessions(2);
        HttpResponse<String> response = call("GET", "/accounts/" + user, TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains(user.toString(), "\"disabled\":false");
    }
}
