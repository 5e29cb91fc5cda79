package io.discordination.ops.account;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Mode;
import io.discordination.ops.redis.Subscriber;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The compromised-account verbs against the sandbox: sessions and the disabled flag checked with
 * plain JDBC, the ForceDisconnect message with plain-socket subscribers playing the gateways.
 * Every test uses its own seeded user, so the order of tests does not matter.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class AccountTest {
    @TempDir
    Path home;

    private OpsContext context(SandboxInfo info, Mode mode) {
        return OpsContext.builder().environment(Environment.load(info.environmentFile())).opsHome(home).mode(mode)
                .confirmer(Confirmer.nonInteractive(true, null)).build();
    }

    private static Connection jdbc(SandboxInfo info) throws SQLException {
        return DriverManager.getConnection(info.jdbcUrl(), info.databaseUser(), info.databasePassword());
    }

    /** Sessions per user id, for every user. */
    private static Map<String, Long> sessionsPerUser(SandboxInfo info) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = jdbc(info); PreparedStatement st = c.prepareStatement(
                "SELECT u.id::text, count(s.user_id) FROM users u LEFT JOIN sessions s ON s.user_id = u.id GROUP BY u.id ORDER BY u.id");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
        }
        return out;
    }

    private static Map<String, Boolean> disabledPerUser(SandboxInfo info) throws SQLException {
        Map<String, Boolean> out = new LinkedHashMap<>();
        try (Connection c = jdbc(info); PreparedStatement st = c.prepareStatement("SELECT id::text, disabled FROM users ORDER BY id");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getBoolean(2));
        }
        return out;
    }

    @Test
    void invalidateSessions_whenUserHasSessions_deletesTheirsAndNoOneElses(SandboxInfo info) throws Exception {
        String user = SeedData.userId(3);
        Map<String, Long> before = sessionsPerUser(info);
        assertThat(before.get(user)).isPositive();
        try (OpsContext ctx = context(info, Mode.EXECUTE)) {
            SessionsInvalidated result = ctx.account(user).invalidateSessions();

            assertThat(result.sessions()).isEqualTo(before.get(user));
            Map<String, Long> after = sessionsPerUser(info);
            assertThat(after.get(user)).isZero();
            before.remove(user);
            after.remove(user);
            assertThat(after).isEqualTo(before);
            AuditLog.Record started = ctx.gate().audit().read().get(0);
            assertThat(started.effect().command()).isEqualTo("psql \"$DATABASE_URL\" -c \"DELETE FROM sessions WHERE user_id = '" + user + "'\"");
            assertThat(started.effect().destructive()).isTrue();
        }
    }

    @Test
    void forceDisconnect_whenTwoGatewaysHoldTheUser_publishesTheRunbookMessageToBoth(SandboxInfo info) {
        String user = SeedData.userId(4);
        try (OpsContext ctx = context(info, Mode.EXECUTE);
             Subscriber a = Subscriber.subscribe(info.redisPort(), "gateway-a", "user:" + user);
             Subscriber b = Subscriber.subscribe(info.redisPort(), "gateway-b", "user:" + user);
             Subscriber other = Subscriber.subscribe(info.redisPort(), "gateway-c", "user:" + SeedData.userId(5))) {
            ForcedDisconnect result = ctx.account(user).forceDisconnect();

            assertThat(result.gateways()).isEqualTo(2);
            assertThat(result.channel()).isEqualTo("user:" + user);
            assertThat(a.awaitMessage(Duration.ofSeconds(5))).contains("{\"type\":\"ForceDisconnect\"}");
            assertThat(b.awaitMessage(Duration.ofSeconds(5))).contains("{\"type\":\"ForceDisconnect\"}");
            assertThat(other.awaitMessage(Duration.ofMillis(300))).isEmpty();
            Effect effect = ctx.gate().audit().read().get(0).effect();
            assertThat(effect.destructive()).isFalse();
            assertThat(effect.command()).isEqualTo("redis-cli -u \"$REDIS_URL\" PUBLISH user:" + user + " '{\"type\":\"ForceDisconnect\"}'");
        }
    }

    @Test
    void disable_whenAccountEnabled_disablesOnlyIt(SandboxInfo info) throws Exception {
        String user = SeedData.userId(6);
        Map<String, Boolean> before = disabledPerUser(info);
        assertThat(before.get(user)).isFalse();
        try (OpsContext ctx = context(info, Mode.EXECUTE)) {
            AccountDisabled result = ctx.account(user).disable();

            assertThat(result.wasDisabled()).isFalse();
            Map<String, Boolean> after = disabledPerUser(info);
            assertThat(after.get(user)).isTrue();
            before.remove(user);
            after.remove(user);
            assertThat(after).isEqualTo(before);
            Effect effect = ctx.gate().audit().read().get(0).effect();
            assertThat(effect.command()).isEqualTo("psql \"$DATABASE_URL\" -c \"UPDATE users SET disabled = true WHERE id = '" + user + "'\"");
            assertThat(effect.inverse()).isEqualTo("psql \"$DATABASE_URL\" -c \"UPDATE users SET disabled = false WHERE id = '" + user + "'\"");
        }
    }

    @Test
    void lockDown_whenAccountCompromised_runsTheThreeStepsInTheRunbooksOrder(SandboxInfo info) throws Exception {
        String user = SeedData.WELL_KNOWN_USER_ID;
        Map<String, Long> sessionsBefore = sessionsPerUser(info);
        assertThat(sessionsBefore.get(user)).isEqualTo(SeedData.WELL_KNOWN_USER_SESSIONS);
        try (OpsContext ctx = context(info, Mode.EXECUTE);
             Subscriber gateway = Subscriber.subscribe(info.redisPort(), "gateway-a", "user:" + user)) {
            LockDown result = ctx.account(user).lockDown();

            assertThat(result.sessions().sessions()).isEqualTo(SeedData.WELL_KNOWN_USER_SESSIONS);
            assertThat(result.disconnect().gateways()).isEqualTo(1);
            assertThat(result.disabled().planned()).isFalse();
            assertThat(gateway.awaitMessage(Duration.ofSeconds(5))).contains("{\"type\":\"ForceDisconnect\"}");
            assertThat(sessionsPerUser(info).get(user)).isZero();
            assertThat(disabledPerUser(info).get(user)).isTrue();
            List<AuditLog.Record> audit = ctx.gate().audit().read();
            assertThat(audit).extracting(r -> r.event() + " " + r.effect().verb()).containsExactly(
                    "started invalidate-sessions", "ok invalidate-sessions",
                    "started force-disconnect", "ok force-disconnect",
                    "started disable-account", "ok disable-account");
            assertThat(result.toString()).contains("1. invalidate sessions", "3. disable account");
        }
    }

    @Test
    void lockDown_whenDryRun_plansTheThreeStepsAndChangesNothing(SandboxInfo info) throws Exception {
        String user = SeedData.userId(7);
        Map<String, Long> sessions = sessionsPerUser(info);
        Map<String, Boolean> disabled = disabledPerUser(info);
        try (OpsContext ctx = context(info, Mode.DRY_RUN);
             Subscriber gateway = Subscriber.subscribe(info.redisPort(), "gateway-a", "user:" + user)) {
            LockDown planned = ctx.account(user).lockDown();

            assertThat(planned.sessions().sessions()).isEqualTo(sessions.get(user));
            assertThat(planned.disconnect().gateways()).isEqualTo(1);
            assertThat(ctx.plan().effects()).extracting(Effect::verb)
                    .containsExactly("invalidate-sessions", "force-disconnect", "disable-account");
            assertThat(gateway.awaitMessage(Duration.ofMillis(300))).isEmpty();
            assertThat(sessionsPerUser(info)).isEqualTo(sessions);
            assertThat(disabledPerUser(info)).isEqualTo(disabled);
            assertThat(ctx.gate().audit().read()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x' OR '1'='1", "1; DROP TABLE sessions; --", "", "7c0e5a2b4f1d4e8a9b3c2d6f8a1e5b04",
            "7c0e5a2b-4f1d-4e8a-9b3c-2d6f8a1e5b04' OR '1'='1", "user:*"})
    void account_whenIdIsNotAUuid_isRejectedBeforeAnythingRuns(String id, SandboxInfo info) throws Exception {
        Map<String, Long> sessions = sessionsPerUser(info);
        Map<String, Boolean> disabled = disabledPerUser(info);
        try (OpsContext ctx = context(info, Mode.EXECUTE)) {
            assertThatThrownBy(() -> ctx.account(id).lockDown())
                    .isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("Invalid user id")
                    .hasMessageContaining("UUID");
            assertThat(sessionsPerUser(info)).isEqualTo(sessions);
            assertThat(disabledPerUser(info)).isEqualTo(disabled);
            assertThat(ctx.gate().audit().read()).isEmpty();
        }
    }

    @Test
    void disable_whenNoSuchUser_failsNotFoundAndChangesNothing(SandboxInfo info) throws Exception {
        Map<String, Boolean> disabled = disabledPerUser(info);
        String stranger = UUID.randomUUID().toString();
        try (OpsContext ctx = context(info, Mode.EXECUTE)) {
            assertThatThrownBy(() -> ctx.account(stranger).lockDown())
                    .isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("No user " + stranger);
            assertThat(disabledPerUser(info)).isEqualTo(disabled);
            assertThat(ctx.gate().audit().read()).isEmpty();
        }
    }

    @Test
    void status_whenRead_showsSessionsDisabledAndGateways(SandboxInfo info) throws Exception {
        String user = SeedData.userId(SeedData.USERS - 1); // seeded disabled
        try (OpsContext ctx = context(info, Mode.EXECUTE);
             Subscriber gateway = Subscriber.subscribe(info.redisPort(), "gateway-a", "user:" + user)) {
            AccountStatus status = ctx.account(user.toUpperCase()).status();

            assertThat(status.userId()).isEqualTo(user);
            assertThat(status.disabled()).isTrue();
            assertThat(status.sessions()).isEqualTo(sessionsPerUser(info).get(user));
            assertThat(status.gatewaySubscribers()).isEqualTo(1);
        }
    }
}
