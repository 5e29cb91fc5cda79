package io.discordination.ops.postgres;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.Parser;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The environment's PostgreSQL database ({@code postgres.url}, {@code postgres.database}): the
 * connection runbook's reads, idle-session termination through the Gate, and parameterized
 * ad-hoc reads for the REPL. All SQL is parameterized; connections come from the context's small
 * pool ({@link PostgresPool}).
 *
 * <pre>{@code
 * postgres().connectionsByState();
 * postgres().terminateIdle(minutes(10));
 * }</pre>
 */
public final class Postgres {
    /** {@link #terminateIdle}: the same condition as the statement it runs, ops's own sessions left out. */
    public static final CommandTemplate TERMINATE_IDLE = CommandTemplate.of("psql \"$DATABASE_URL\" -c \"SELECT pg_terminate_backend(pid)"
            + " FROM pg_stat_activity WHERE datname = '<database>' AND state = 'idle'"
            + " AND state_change < now() - interval '<idle_seconds> seconds' AND pid <> pg_backend_pid()"
            + " AND application_name <> '" + PostgresPool.APPLICATION_NAME + "'\"");
    /** Rows {@link #query} returns at most. */
    public static final int MAX_ROWS = 1000;

    private static final String SESSIONS = """
            SELECT pid, usename, application_name, client_addr::text, state,
                   extract(epoch FROM now() - coalesce(state_change, backend_start)), wait_event_type || ':' || wait_event, left(query, 100)
            FROM pg_stat_activity WHERE datname = ? ORDER BY coalesce(state_change, backend_start)""";
    private static final String BY_STATE = "SELECT coalesce(state, '(no state)'), count(*) FROM pg_stat_activity WHERE datname = ? GROUP BY 1 ORDER BY 2 DESC";
    private static final String IDLE_CONDITION = """
            datname = ? AND state = 'idle' AND state_change < now() - make_interval(secs => ?)
            AND pid <> pg_backend_pid() AND coalesce(application_name, '') <> ?""";
    private static final String IDLE = "SELECT pid, usename, application_name, client_addr::text, extract(epoch FROM now() - state_change)"
            + " FROM pg_stat_activity WHERE " + IDLE_CONDITION + " ORDER BY state_change";
    /**
     * Whether our role may signal a session's backend, as pg_terminate_backend decides it: never a
     * superuser's unless we are one; our own role's, or any with pg_signal_backend.
     */
    private static final String MAY_SIGNAL = """
            CASE WHEN coalesce((SELECT rolsuper FROM pg_roles WHERE oid = a.usesysid), false)
                      AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN false
                 WHEN pg_has_role(a.usesysid, 'USAGE') OR pg_has_role('pg_signal_backend', 'USAGE') THEN true
                 ELSE false END""";
    /**
     * One statement for every idle session, however many: the idle conditions are checked again at
     * the moment of termination (a session that woke up is spared), and a session we may not
     * signal is reported instead of failing the statement.
     */
    private static final String TERMINATE = """
            SELECT pid, usename, application_name, client_addr, idle_seconds, may_signal,
                   CASE WHEN may_signal THEN pg_terminate_backend(pid) ELSE false END
            FROM (SELECT a.pid, a.usename, a.application_name, a.client_addr::text AS client_addr, a.state_change,
                         extract(epoch FROM now() - a.state_change) AS idle_seconds, %s AS may_signal
                  FROM pg_stat_activity a WHERE %s OFFSET 0) idle
            ORDER BY state_change""".formatted(MAY_SIGNAL, IDLE_CONDITION);

    private final Supplier<PostgresPool> pool;
    private final HandleContext context;

    /** The database of {@code pool}, made on first use (so a handle that never queries needs no {@code DATABASE_URL}). */
    public Postgres(Supplier<PostgresPool> pool, HandleContext context) {
        this.pool = pool;
        this.context = context;
    }

    private PostgresPool pool() {
        return pool.get();
    }

    /** The sessions connected to the environment's database. */
    public DatabaseConnections connections() {
        PostgresPool pool = pool();
        return pool.withConnection(c -> {
            List<DatabaseConnections.Session> sessions = new ArrayList<>();
            try (PreparedStatement st = prepare(c, SESSIONS)) {
                st.setString(1, pool.database());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        sessions.add(new DatabaseConnections.Session(rs.getInt(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), rs.getString(5), seconds(rs.getDouble(6)), rs.getString(7), rs.getString(8)));
                    }
                }
            }
            return new DatabaseConnections(pool.database(), sessions);
        });
    }

    /** Connections to the environment's database per state. */
    public ConnectionsByState connectionsByState() {
        PostgresPool pool = pool();
        return pool.withConnection(c -> {
            Map<String, Long> states = new LinkedHashMap<>();
            try (PreparedStatement st = prepare(c, BY_STATE)) {
                st.setString(1, pool.database());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) states.put(rs.getString(1), rs.getLong(2));
                }
            }
            return new ConnectionsByState(pool.database(), states);
        });
    }

    /** The server's {@code max_connections}. */
    public int maxConnections() {
        return pool().withConnection(c -> {
            try (PreparedStatement st = prepare(c, "SELECT current_setting('max_connections')::int");
                 ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** {@code max_connections}, reserved slots, client connections in use, and the share taken. */
    public ConnectionUtilization utilization() {
        PostgresPool pool = pool();
        return pool.withConnection(c -> {
            String sql = """
                    SELECT current_setting('max_connections')::int,
                           current_setting('superuser_reserved_connections')::int
                             + coalesce(current_setting('reserved_connections', true)::int, 0),
                           (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
                           (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = ?)""";
            try (PreparedStatement st = prepare(c, sql)) {
                st.setString(1, pool.database());
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return new ConnectionUtilization(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), pool.database());
                }
            }
        });
    }

    /**
     * Terminates the sessions of the environment's database that have been idle for longer than
     * {@code olderThan} ({@code pg_terminate_backend}), never our own ({@value PostgresPool#APPLICATION_NAME})
     * and never one that became busy in the meantime. Destructive: their clients reconnect.
     * Returns who was terminated; in a dry run, who would be.
     * <p>Cost: two statements whatever the number of sessions (one read of pg_stat_activity for
     * the plan and the confirmation, one that terminates them all); server work linear in the
     * server's sessions. When the server has no slot left for our own connection (SQLSTATE 53300)
     * the error says how to give the tool's role a reserved one.
     */
    public TerminatedConnections terminateIdle(Duration olderThan) {
        if (olderThan == null || olderThan.isNegative() || olderThan.isZero()) {
            throw OpsException.builder("terminateIdle needs a positive idle time, such as minutes(10); got " + olderThan)
                    .service("postgres").invalidInput();
        }
        PostgresPool pool = pool();
        double secs = olderThan.toMillis() / 1000.0;
        List<TerminatedConnections.IdleConnection> idle = pool.withConnection(c -> {
            List<TerminatedConnections.IdleConnection> out = new ArrayList<>();
            try (PreparedStatement st = prepare(c, IDLE)) {
                bindIdle(st, 1, pool.database(), secs);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TerminatedConnections.IdleConnection(rs.getInt(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), seconds(rs.getDouble(5)), true, null));
                    }
                }
            }
            return out;
        });
        String interval = human(olderThan);
        Effect effect = Effect.on("postgres", "database " + pool.database() + " at " + pool.endpoint())
                .verb("terminate-idle-connections").param("olderThan", interval).param("connections", idle.size())
                .destructive().inverse("none needed: clients reconnect")
                .command(TERMINATE_IDLE.with("database", pool.database()).with("idle_seconds", (long) Math.ceil(secs)))
                .build();
        return context.gate().apply(effect, () -> pool.withConnection(c -> {
            List<TerminatedConnections.IdleConnection> done = new ArrayList<>();
            int denied = 0;
            try (PreparedStatement st = prepare(c, TERMINATE)) {
                bindIdle(st, 1, pool.database(), secs);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        boolean maySignal = rs.getBoolean(6);
                        boolean terminated = rs.getBoolean(7);
                        String note = maySignal ? (terminated ? null : "gone before it was signalled")
                                : "permission denied (needs pg_signal_backend)";
                        if (!maySignal) denied++;
                        done.add(new TerminatedConnections.IdleConnection(rs.getInt(1), rs.getString(2), rs.getString(3),
                                rs.getString(4), seconds(rs.getDouble(5)), terminated, note));
                    }
                }
            } catch (SQLException e) {
                throw pool.failure("Terminating idle connections failed (none was terminated: it is one statement)", e);
            }
            // those the plan listed that the statement no longer matched had woken up (or gone) meanwhile
            java.util.Set<Integer> matched = new java.util.HashSet<>();
            done.forEach(d -> matched.add(d.pid()));
            for (TerminatedConnections.IdleConnection candidate : idle) {
                if (matched.contains(candidate.pid())) continue;
                done.add(new TerminatedConnections.IdleConnection(candidate.pid(), candidate.user(), candidate.application(),
                        candidate.clientAddress(), candidate.idleFor(), false, "no longer idle"));
            }
            if (denied > 0 && denied == done.size()) {
                throw OpsException.builder("Could not terminate any of the " + denied + " idle connections to " + pool.database()
                                + ": permission denied").service("postgres").environment(pool.environment())
                        .resource(pool.endpoint())
                        .hint("the database user must be a member of the sessions' roles or of pg_signal_backend: GRANT pg_signal_backend TO <user>")
                        .accessDenied();
            }
            return new TerminatedConnections(pool.database(), olderThan, done, false, effect);
        }), () -> new TerminatedConnections(pool.database(), olderThan, idle, true, effect));
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        return pool().prepare(c, sql);
    }

    /**
     * The statement's first keyword, upper case ({@code SELECT}, {@code WITH}, {@code UPDATE}),
     * after leading blanks and comments: a short label that never carries the SQL's values.
     */
    static String verb(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char ch = sql.charAt(i);
            if (Character.isWhitespace(ch) || ch == '(') {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && i - start < 20 && Character.isLetter(sql.charAt(i))) i++;
        return i == start ? "SQL" : sql.substring(start, i).toUpperCase(java.util.Locale.ROOT);
    }

    private static void bindIdle(PreparedStatement st, int first, String database, double secs) throws SQLException {
        st.setString(first, database);
        st.setDouble(first + 1, secs);
        st.setString(first + 2, PostgresPool.APPLICATION_NAME);
    }

    /**
     * An ad-hoc read with {@code ?} parameters: one statement, at most {@value #MAX_ROWS} rows.
     * Whatever the SQL says, it cannot change the database: it runs on a connection of its own as
     * {@code postgres.readUser}, a role without write privileges (the server refuses any write,
     * also after a {@code COMMIT} or a {@code SET} inside the SQL), in a read-only transaction that
     * is rolled back, and SQL with more than one statement is refused before it is sent. Refused
     * SQL is invalid input (exit 2).
     *
     * <pre>{@code postgres().query("SELECT id, disabled FROM users WHERE id = ?", userId);}</pre>
     */
    public QueryResult query(String sql, Object... args) {
        if (sql == null || sql.isBlank()) {
            throw OpsException.builder("query() needs SQL, such as SELECT count(*) FROM sessions").service("postgres").invalidInput();
        }
        Object[] params = args == null ? new Object[0] : args;
        PostgresPool pool = pool();
        try (Connection c = pool.readConnection()) {
            int statements = statementCount(c, sql);
            if (statements != 1) {
                throw OpsException.builder("query() runs exactly one statement; this SQL has " + statements)
                        .service("postgres").environment(pool.environment())
                        .hint("send one SELECT per query(); changes go through the verbs that go through the Gate").invalidInput();
            }
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement st = prepare(c, sql)) {
                int expected = st.getParameterMetaData().getParameterCount();
                if (expected != params.length) {
                    throw OpsException.builder("The query has " + expected + " parameters (?) but " + params.length + " values were given")
                            .service("postgres").invalidInput();
                }
                for (int i = 0; i < params.length; i++) st.setObject(i + 1, params[i]);
                st.setMaxRows(MAX_ROWS + 1);
                return read(st);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("25006") || state.equals("42501")) {
                throw OpsException.builder("query() only reads, and the database refused this SQL: "
                                + pool.redact(String.valueOf(e.getMessage())))
                        .service("postgres").environment(pool.environment()).resource(pool.endpoint())
                        .hint("query() runs read-only as postgres.readUser; write through a verb that goes through the Gate; "
                                + "nothing was changed").invalidInput();
            }
            throw pool.failure("PostgreSQL " + pool.endpoint() + " failed", e);
        }
    }

    /**
     * How many statements pgjdbc would send for {@code sql}: it splits at semicolons outside
     * quotes, comments and dollar quotes, and runs every part, so the count must come from its own parser.
     */
    static int statementCount(Connection c, String sql) throws SQLException {
        boolean standardStrings = c.unwrap(BaseConnection.class).getStandardConformingStrings();
        return Parser.parseJdbcSql(sql, standardStrings, true, true, false, true).size();
    }

    private static QueryResult read(PreparedStatement st) throws SQLException {
        if (!st.execute()) return new QueryResult(List.of("updated"), List.of(List.of(st.getUpdateCount())), false);
        try (ResultSet rs = st.getResultSet()) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) columns.add(md.getColumnLabel(i));
            List<List<Object>> rows = new ArrayList<>();
            boolean truncated = false;
            while (rs.next()) {
                if (rows.size() == MAX_ROWS) {
                    truncated = true;
                    break;
                }
                List<Object> row = new ArrayList<>(columns.size());
                for (int i = 1; i <= columns.size(); i++) row.add(plain(rs.getObject(i)));
                rows.add(row);
            }
            return new QueryResult(columns, rows, truncated);
        }
    }

    /** JDBC values as plain ones that print and serialize well. */
    private static Object plain(Object v) throws SQLException {
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) return v;
        if (v instanceof Timestamp t) return t.toInstant();
        if (v instanceof java.sql.Date d) return d.toLocalDate();
        if (v instanceof java.util.UUID u) return u.toString();
        if (v instanceof Array a) {
            Object items = a.getArray();
            return items instanceof Object[] arr ? Arrays.asList(arr) : String.valueOf(items);
        }
        return String.valueOf(v);
    }

    static Duration seconds(double s) {
        return Duration.ofMillis(Math.round(s * 1000));
    }

    /** {@code 10m}, {@code 1h5m}, {@code 42s}: how the tables show durations. */
    static String human(Duration d) {
        if (d == null) return "";
        long s = d.toSeconds();
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }

    @Override
    public String toString() {
        return "Postgres[" + context.environment().name() + "]";
    }
}
