package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.SandboxInfo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * "Too many connections": the application's pool leaked sessions until its role's connection
 * limit is reached, every one of them idle, so the api's next connection is refused with SQLSTATE
 * 53300 ({@code too many connections for role "discordination"}). The sessions are real: the
 * sandbox agent opens and holds them, so they outlive {@code ops sandbox break}; heal ends them.
 *
 * <p>The limit is a {@code CONNECTION LIMIT} on the application's role, as production needs it
 * before PostgreSQL 16 (docs/sandbox.md, "Database roles"): without it the application would take
 * every non-superuser slot and the on-call tool could not connect to repair it.
 *
 * <pre>{@code new ConnectionPoolExhaustion().breakIt(sandbox);   // 80 idle sessions, the 81st refused}</pre>
 */
public final class ConnectionPoolExhaustion implements Scenario {
    /** The application role's connection limit during the incident, and the idle sessions that fill it. */
    static final int LIMIT = 80;
    /** How the leaked sessions name themselves in pg_stat_activity: the api's pool. */
    static final String APPLICATION = "discordination-api";
    /**
     * The runbook terminates sessions idle for longer than its {@code idle-for} (10 minutes in
     * production); a drill cannot wait that long, so it passes this and the break waits until
     * the held sessions have been idle that long.
     */
    static final Duration IDLE_FOR = Duration.ofSeconds(2);

    @Override
    public String name() {
        return "connection-pool-exhaustion";
    }

    @Override
    public String symptoms() {
        return "\"too many connections\" errors: the api cannot get a database connection.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) throws Exception {
        try (Connection admin = sandbox.databaseAsSuperuser(); Statement s = admin.createStatement()) {
            s.execute("alter role " + sandbox.info().databaseUser() + " connection limit " + LIMIT);
        }
        sandbox.agent("/sandbox/drill/postgres/hold?count=" + LIMIT + "&application=" + APPLICATION, null);
        // the runbook ends only sessions idle for longer than IDLE_FOR
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (idleLongerThan(sandbox, IDLE_FOR) < LIMIT) {
            if (System.nanoTime() > deadline) throw new SandboxException("the held sessions did not become idle");
            Thread.sleep(200);
        }
    }

    private static int idleLongerThan(SandboxAccess sandbox, Duration idle) throws SQLException {
        try (Connection admin = sandbox.databaseAsSuperuser(); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where datname = current_database()"
                     + " and application_name = '" + APPLICATION + "' and state = 'idle'"
                     + " and state_change < now() - make_interval(secs => " + idle.toMillis() / 1000.0 + ")")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public List<Probe> probes() {
        return List.of(
                new Probe("the api can open a database connection (as the application's role)", sandbox -> {
                    SandboxInfo info = sandbox.info();
                    Properties props = new Properties();
                    props.setProperty("user", info.databaseUser());
                    props.setProperty("password", info.databasePassword());
                    props.setProperty("ApplicationName", "drill-probe");
                    props.setProperty("connectTimeout", "10");
                    try (Connection c = DriverManager.getConnection(info.jdbcUrl(), props); Statement s = c.createStatement()) {
                        s.execute("select 1");
                        return Observation.pass("connected as " + info.databaseUser());
                    } catch (SQLException e) {
                        return Observation.fail("refused: SQLSTATE " + e.getSQLState() + " " + firstLine(e.getMessage()));
                    }
                }),
                new Probe("the application's role has free connection slots", sandbox -> {
                    try (Connection admin = sandbox.databaseAsSuperuser(); Statement s = admin.createStatement();
                         ResultSet rs = s.executeQuery("""
                                 select r.rolconnlimit,
                                        current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int,
                                        (select count(*) from pg_stat_activity a where a.usesysid = r.oid),
                                        (select count(*) from pg_stat_activity a where a.usesysid = r.oid and a.state = 'idle')
                                 from pg_roles r where r.rolname = '""" + sandbox.info().databaseUser() + "'")) {
                        rs.next();
                        int limit = rs.getInt(1) >= 0 ? rs.getInt(1) : rs.getInt(2);
                        int used = rs.getInt(3);
                        return Observation.of(used < limit, used + " of " + limit + " slots in use (" + rs.getInt(4) + " idle)");
                    }
                }));
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    @Override
    public Map<String, String> runbookParams(SandboxAccess sandbox) {
        return Map.of("idle-for", IDLE_FOR.toSeconds() + "s");
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.POSTGRES);
    }

    @Override
    public Duration recoveryWait() {
        return Duration.ofSeconds(15);
    }

    /** Ends the held sessions, lifts the limit, reseeds PostgreSQL (which also sets the role's limit back). */
    @Override
    public void heal(SandboxAccess sandbox) {
        sandbox.releaseAgentHoldsAndReseed(touches());
    }
}
