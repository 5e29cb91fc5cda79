package io.discordination.ops.postgres;

import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Mode;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The PostgreSQL handle against the sandbox's database, checked with plain JDBC connections of
 * the test's own (which also play the api's sessions, idle and busy).
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class PostgresTest {
    @TempDir
    Path home;

    private OpsContext context(SandboxInfo info, Mode mode, boolean yes) {
        return OpsContext.builder().environment(Environment.load(info.environmentFile())).opsHome(home).mode(mode)
                .confirmer(Confirmer.nonInteractive(yes, null)).build();
    }

    private static Connection connect(SandboxInfo info, String application) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", info.databaseUser());
        props.setProperty("password", info.databasePassword());
        props.setProperty("ApplicationName", application);
        return DriverManager.getConnection(info.jdbcUrl(), props);
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long scalar(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) st.setObject(i + 1, args[i]);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean alive(Connection checker, int pid) throws SQLException {
        return scalar(checker, "SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid) > 0;
    }

    @Test
    void connections_whenAnotherClientIsConnected_listsItsSession(SandboxInfo info) throws Exception {
        try (Connection api = connect(info, "api-test"); OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            int pid = pid(api);

            DatabaseConnections connections = ctx.postgres().connections();

            assertThat(connections.database()).isEqualTo(SeedData.DATABASE);
            assertThat(connections.sessions()).anySatisfy(s -> {
                assertThat(s.pid()).isEqualTo(pid);
                assertThat(s.application()).isEqualTo("api-test");
                assertThat(s.user()).isEqualTo(info.databaseUser());
                assertThat(s.state()).isEqualTo("idle");
            });
            assertThat(connections.toString()).contains("api-test");
        }
    }

    @Test
    void connectionsByState_whenIdleAndActiveSessions_countsAsTheRunbookQueryDoes(SandboxInfo info) throws Exception {
        try (Connection idle = connect(info, "api-idle"); Connection busy = connect(info, "api-busy");
             Connection checker = connect(info, "checker"); OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            int busyPid = pid(busy);
            pid(idle);
            CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> sleep(busy, 2));
            awaitState(checker, busyPid, "active");

            ConnectionsByState states = ctx.postgres().connectionsByState();

            assertThat(states.count("active")).isGreaterThanOrEqualTo(2); // the sleeper and our own query
            assertThat(states.count("idle")).isGreaterThanOrEqualTo(1);
            assertThat(states.total()).isEqualTo(scalar(checker, "SELECT count(*) FROM pg_stat_activity WHERE datname = ?", SeedData.DATABASE));
            assertThat(Json.write(states)).contains("\"active\"");
            sleeping.join();
        }
    }

    @Test
    void maxConnectionsAndUtilization_whenRead_matchTheServerSettings(SandboxInfo info) throws Exception {
        try (Connection checker = connect(info, "checker"); OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            Postgres postgres = ctx.postgres();
            long max = scalar(checker, "SELECT current_setting('max_connections')::int");

            assertThat(postgres.maxConnections()).isEqualTo(max);
            ConnectionUtilization u = postgres.utilization();
            assertThat(u.maxConnections()).isEqualTo(max);
            assertThat(u.inUse()).isGreaterThanOrEqualTo(2);
            assertThat(u.inUseByDatabase()).isGreaterThanOrEqualTo(2);
            assertThat(u.ratio()).isBetween(0.0, 1.0);
            assertThat(u.toString()).contains("max_connections");
        }
    }

    @Test
    void terminateIdle_whenSessionsIdleLongerThanTheLimit_terminatesThemButSparesOursAndActiveOnes(SandboxInfo info) throws Exception {
        List<Connection> victims = new ArrayList<>();
        try (Connection busy = connect(info, "api-busy"); Connection checker = connect(info, "checker");
             OpsContext ctx = context(info, Mode.EXECUTE, true)) {
            Postgres postgres = ctx.postgres();
            postgres.connectionsByState(); // our pool now holds an idle session of its own
            int ourPid = (int) scalar(checker, "SELECT pid FROM pg_stat_activity WHERE usename = ? AND application_name = ? LIMIT 1",
                    info.opsDatabaseUser(), PostgresPool.APPLICATION_NAME);
            List<Integer> victimPids = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Connection victim = connect(info, "api-" + i);
                victims.add(victim);
                victimPids.add(pid(victim));
            }
            int busyPid = pid(busy);
            CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> sleep(busy, 4));
            awaitState(checker, busyPid, "active");
            Thread.sleep(2500);
            scalar(checker, "SELECT 1"); // the test's own session was idle only a moment

            TerminatedConnections result = postgres.terminateIdle(Duration.ofSeconds(2));

            assertThat(result.connections()).filteredOn(TerminatedConnections.IdleConnection::terminated)
                    .extracting(TerminatedConnections.IdleConnection::pid).containsAll(victimPids)
                    .doesNotContain(busyPid, ourPid, pid(checker));
            assertThat(result.connections()).noneMatch(c -> PostgresPool.APPLICATION_NAME.equals(c.application()));
            for (int victimPid : victimPids) awaitGone(checker, victimPid);
            assertThat(alive(checker, busyPid)).isTrue();
            sleeping.join(); // the busy session's query ran to its end
            assertThat(alive(checker, ourPid)).isTrue();
            assertThat(postgres.connectionsByState().total()).isPositive();
            List<AuditLog.Record> audit = ctx.gate().audit().read();
            assertThat(audit).extracting(AuditLog.Record::event).containsExactly("started", "ok");
            assertThat(audit.get(0).effect().command())
                    .startsWith("psql \"$DATABASE_URL\" -c \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'discordination' AND state = 'idle'")
                    .contains("interval '2 seconds'", "application_name <> 'discordination-ops'");
        } finally {
            for (Connection v : victims) v.close();
        }
    }

    @Test
    void terminateIdle_whenDryRun_listsWhoWouldGoAndTerminatesNobody(SandboxInfo info) throws Exception {
        try (Connection victim = connect(info, "api-idle"); Connection checker = connect(info, "checker");
             OpsContext ctx = context(info, Mode.DRY_RUN, false)) {
            int victimPid = pid(victim);
            Thread.sleep(1200);

            TerminatedConnections planned = ctx.postgres().terminateIdle(Duration.ofSeconds(1));

            assertThat(planned.planned()).isTrue();
            assertThat(planned.connections()).extracting(TerminatedConnections.IdleConnection::pid).contains(victimPid);
            assertThat(alive(checker, victimPid)).isTrue();
            assertThat(scalar(victim, "SELECT 1")).isEqualTo(1);
            Effect effect = ctx.plan().effects().get(0);
            assertThat(effect.destructive()).isTrue();
            assertThat(effect.parameters()).containsEntry("olderThan", "1s");
            assertThat(planned.toString()).startsWith("planned (dry run): terminate");
        }
    }

    @Test
    void terminateIdle_whenLimitNotPositive_failsBeforeAnything(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, true)) {
            assertThatThrownBy(() -> ctx.postgres().terminateIdle(Duration.ZERO))
                    .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("positive");
            assertThat(ctx.gate().audit().read()).isEmpty();
        }
    }

    @Test
    void query_whenParameterized_returnsTheRowsAndTreatsInjectionAsAValue(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            Postgres postgres = ctx.postgres();

            QueryResult user = postgres.query("SELECT username, disabled FROM users WHERE id = ?", SeedData.WELL_KNOWN_USER_ID);
            assertThat(user.columns()).containsExactly("username", "disabled");
            assertThat(user.rows()).containsExactly(List.of(SeedData.WELL_KNOWN_USERNAME, false));
            assertThat(postgres.query("SELECT count(*) FROM users WHERE username = ?", "x' OR '1'='1").single()).isEqualTo(0L);
            assertThat(postgres.query("SELECT count(*) FROM users").single()).isEqualTo((long) SeedData.USERS);
            assertThat(Json.write(user)).contains("\"" + SeedData.WELL_KNOWN_USERNAME + "\"");
        }
    }

    @Test
    void query_whenItWrites_failsAndChangesNothing(SandboxInfo info) throws Exception {
        try (Connection checker = connect(info, "checker"); OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            long sessions = scalar(checker, "SELECT count(*) FROM sessions");

            assertThatThrownBy(() -> ctx.postgres().query("DELETE FROM sessions"))
                    .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("only reads");
            assertThat(scalar(checker, "SELECT count(*) FROM sessions")).isEqualTo(sessions);
            assertThatThrownBy(() -> ctx.postgres().query("SELECT * FROM users WHERE id = ?"))
                    .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("1 parameters");
        }
    }

    @Test
    void query_whenTheSqlCommitsAndThenDeletes_refusesTheSecondStatementAndDeletesNothing(SandboxInfo info) throws Exception {
        String user = SeedData.WELL_KNOWN_USER_ID;
        try (Connection checker = connect(info, "checker"); OpsContext ctx = context(info, Mode.DRY_RUN, false)) {
            long sessions = scalar(checker, "SELECT count(*) FROM sessions WHERE user_id = ?::uuid", user);
            assertThat(sessions).isPositive();
            Postgres postgres = ctx.postgres();

            for (String sql : List.of("COMMIT; DELETE FROM sessions WHERE user_id = '" + user + "'",
                    "SELECT 1; DELETE FROM sessions WHERE user_id = '" + user + "';",
                    "SET default_transaction_read_only = off; DELETE FROM sessions WHERE user_id = '" + user + "'",
                    "SELECT 1 /* ; */; -- ;\n DELETE FROM sessions")) {
                assertThatThrownBy(() -> postgres.query(sql)).as(sql)
                        .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("exactly one statement");
            }
            // one statement that writes, or tries to leave the read-only transaction: the server refuses it
            for (String sql : List.of("WITH gone AS (DELETE FROM sessions WHERE user_id = '" + user + "' RETURNING 1) SELECT count(*) FROM gone",
                    "UPDATE users SET disabled = true WHERE id = '" + user + "'")) {
                assertThatThrownBy(() -> postgres.query(sql)).as(sql)
                        .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("only reads");
            }
            // a lone COMMIT or SET runs, in a session of its own that ends with the call
            postgres.query("COMMIT");
            postgres.query("SET default_transaction_read_only = off");
            assertThat(postgres.query("SELECT current_user, current_setting('transaction_read_only')").rows())
                    .containsExactly(List.of(info.readDatabaseUser(), "on"));
            assertThat(postgres.query("SELECT 'a;b' AS text;").single()).isEqualTo("a;b");

            assertThat(scalar(checker, "SELECT count(*) FROM sessions WHERE user_id = ?::uuid", user)).isEqualTo(sessions);
            assertThat(scalar(checker, "SELECT count(*) FROM users WHERE disabled")).isEqualTo(1);
        }
    }

    @Test
    void readRole_whenItLeavesReadOnlyMode_stillCannotWriteAnything(SandboxInfo info) throws Exception {
        // the guarantee behind query(): the role itself has no write privilege, whatever the session says
        try (Connection reader = DriverManager.getConnection(info.jdbcUrl(), info.readDatabaseUser(), info.readDatabasePassword());
             Connection checker = connect(info, "checker"); Statement st = reader.createStatement()) {
            long sessions = scalar(checker, "SELECT count(*) FROM sessions");
            st.execute("SET default_transaction_read_only = off");
            for (String sql : List.of("DELETE FROM sessions", "UPDATE users SET disabled = true",
                    "INSERT INTO users (username, email) VALUES ('mallory', 'm@example.com')", "TRUNCATE sessions",
                    "SET ROLE " + info.databaseUser(), "SET ROLE " + info.opsDatabaseUser(),
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + info.databaseUser() + "'")) {
                assertThatThrownBy(() -> st.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            }
            assertThat(scalar(checker, "SELECT count(*) FROM sessions")).isEqualTo(sessions);
        }
    }

    @Test
    void query_whenTheEnvironmentHasNoReadUser_isRefusedWithoutConnecting(SandboxInfo info) throws Exception {
        String withoutReader = Files.readString(info.environmentFile()).replaceAll("(?m)^  read(User|Password): .*\n", "");
        assertThat(withoutReader).doesNotContain("readUser");
        Path env = Files.writeString(home.resolve("no-reader.yaml"), withoutReader);
        try (OpsContext ctx = OpsContext.builder().environment(Environment.load(env)).opsHome(home).build()) {
            assertThatThrownBy(() -> ctx.postgres().query("SELECT 1"))
                    .isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("postgres.readUser is not set");
        }
    }

    @Test
    void connectionsByState_whenTheReadPasswordVariableIsUnset_stillWorksAndOnlyQueryNamesTheVariable(SandboxInfo info) throws Exception {
        String local = Files.readString(info.environmentFile());
        Path env = Files.writeString(home.resolve("prod-like.yaml"),
                local.replaceAll("(?m)^  readPassword: .*$", "  readPassword: \\${DATABASE_READ_PASSWORD}"));
        try (OpsContext ctx = OpsContext.builder().environment(Environment.load(env, name -> null)).opsHome(home).build()) {
            Postgres postgres = ctx.postgres();
            assertThat(postgres.connectionsByState().total()).isPositive();
            assertThatThrownBy(() -> postgres.query("SELECT 1")).isInstanceOf(OpsException.class)
                    .hasMessageContaining("DATABASE_READ_PASSWORD");
        }
    }

    @Test
    void terminateIdle_whenManySessionsAreIdle_terminatesThemWithOneStatement(SandboxInfo info, io.discordination.ops.sandbox.Sandbox sandbox)
            throws Exception {
        List<Connection> victims = new ArrayList<>();
        Path log = sandbox.logFile(io.discordination.ops.sandbox.Sandbox.POSTGRES);
        try (Connection admin = DriverManager.getConnection(info.adminJdbcUrl(), info.adminUser(), info.adminPassword());
             Statement st = admin.createStatement()) {
            // the server logs every statement of the tool's new sessions, so they can be counted
            st.execute("ALTER ROLE " + info.opsDatabaseUser() + " SET log_statement = 'all'");
            try (Connection checker = connect(info, "checker"); OpsContext ctx = context(info, Mode.EXECUTE, true)) {
                List<Integer> pids = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    Connection victim = connect(info, "api-many-" + i);
                    victims.add(victim);
                    pids.add(pid(victim));
                }
                Thread.sleep(1500);
                scalar(checker, "SELECT 1"); // the test's own session was idle only a moment
                long logBefore = Files.size(log);

                TerminatedConnections result = ctx.postgres().terminateIdle(Duration.ofSeconds(1));

                assertThat(result.connections()).filteredOn(TerminatedConnections.IdleConnection::terminated)
                        .extracting(TerminatedConnections.IdleConnection::pid).containsAll(pids);
                for (int victimPid : pids) awaitGone(checker, victimPid);
                String logged = new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8)
                        .substring((int) logBefore);
                // only the tool's sessions log statements; a statement spans several lines of the log
                assertThat(logged.split("pg_terminate_backend\\(", -1).length - 1).as(logged).isEqualTo(1);
                assertThat(logged).contains(info.opsDatabaseUser() + "@" + SeedData.DATABASE + " LOG:  execute");
            } finally {
                st.execute("ALTER ROLE " + info.opsDatabaseUser() + " RESET log_statement");
            }
        } finally {
            for (Connection v : victims) v.close();
        }
    }

    @Test
    void connectionsByState_whenTheServerHasNoSlotLeft_failsWithTheReservedConnectionHint(SandboxInfo info) throws Exception {
        List<Connection> hogs = new ArrayList<>();
        try {
            // the incident: the application holds every connection a non-superuser may take
            while (true) {
                try {
                    hogs.add(connect(info, "api-hog"));
                } catch (SQLException full) {
                    assertThat(full.getSQLState()).isEqualTo("53300");
                    break;
                }
                assertThat(hogs.size()).as("max_connections is reached").isLessThan(1000);
            }
            try (OpsContext ctx = context(info, Mode.DRY_RUN, false)) {
                assertThatThrownBy(() -> ctx.postgres().connectionsByState())
                        .isInstanceOf(OpsException.class)
                        .hasMessageContaining("Cannot connect to PostgreSQL")
                        .satisfies(e -> assertThat(((OpsException) e).hint())
                                .contains("reserved_connections", "pg_use_reserved_connections", "CONNECTION LIMIT"));
            }
        } finally {
            for (Connection c : hogs) c.close();
        }
    }

    @Test
    void connections_whenPasswordWrong_failsWithAccessDeniedAndNoPasswordAnywhere(SandboxInfo info) throws Exception {
        String url = "postgresql://" + info.databaseUser() + ":Wrong-Pw-55821@127.0.0.1:" + info.postgresPort() + "/" + SeedData.DATABASE;
        Path env = home.resolve("wrong.yaml");
        Files.writeString(env, "name: wrong\npostgres:\n  url: " + url + "\n  database: " + SeedData.DATABASE + "\n");
        try (OpsContext ctx = OpsContext.builder().environment(Environment.load(env)).opsHome(home).build()) {
            assertThatThrownBy(() -> ctx.postgres().connections())
                    .isInstanceOf(OpsException.AccessDeniedException.class)
                    .hasMessageContaining("DATABASE_URL")
                    .hasMessageNotContaining("Wrong-Pw-55821");
        }
    }

    @Test
    void settings_whenLibpqUrl_becomeJdbcWithTheSecretKeptApart() {
        PostgresPool.JdbcSettings s = PostgresPool.settings(io.discordination.ops.Secret.of(
                "postgresql://app:p%40ss+w@db.internal:6432/discordination?sslmode=require"), java.util.Optional.empty(), "test");

        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/discordination?sslmode=require");
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.password().reveal()).isEqualTo("p@ss+w");
        assertThat(s.toString()).doesNotContain("p@ss");
        assertThat(s.database()).isEqualTo("discordination");
        assertThatThrownBy(() -> PostgresPool.settings(io.discordination.ops.Secret.of("mysql://u:Secret-1@h/db"),
                java.util.Optional.empty(), "test"))
                .isInstanceOf(OpsException.InvalidInputException.class).hasMessageNotContaining("Secret-1");
        assertThat(Map.of("k", s.password()).toString()).doesNotContain("p@ss");
    }

    private static void sleep(Connection c, int seconds) {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_sleep(" + seconds + ")");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitState(Connection checker, int pid, String state) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (scalar(checker, "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND state = ?", pid, state) > 0) return;
            Thread.sleep(20);
        }
        throw new AssertionError("session " + pid + " never became " + state);
    }

    private static void awaitGone(Connection checker, int pid) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!alive(checker, pid)) return;
            Thread.sleep(20);
        }
        throw new AssertionError("session " + pid + " is still there");
    }
}
