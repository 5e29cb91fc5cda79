package io.discordination.ops.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.discordination.ops.CallCounter;
import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;
import io.discordination.ops.Secret;
import io.discordination.ops.topology.PostgresTopology;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The context's small PostgreSQL pool (HikariCP, at most two connections, application name
 * {@value #APPLICATION_NAME} so that {@link Postgres#terminateIdle} can tell our own sessions
 * apart), created by the context on first use and closed with it.
 *
 * <p>Settings: {@code postgres.url} is libpq's {@code postgresql://user:password@host:port/db}
 * (query parameters such as {@code sslmode=require} pass through) or a {@code jdbc:postgresql:}
 * URL; {@code postgres.database} names the database when the URL does not. The password stays a
 * {@link Secret} and is registered with the redactor. The URL's role is the tool's own, not the
 * application's (see docs/sandbox.md): it needs pg_monitor (to see every session's state),
 * pg_signal_backend (to end idle ones) and the writes of the account verbs.
 *
 * <p>Ad-hoc reads ({@link Postgres#query}) do not use the pool: each opens its own connection as
 * {@code postgres.readUser} / {@code postgres.readPassword} (same host and database), a role that
 * has no write privilege, see {@link #readConnection()}.
 *
 * <pre>{@code PostgresPool pool = PostgresPool.create(topology.postgres(), "prod", redactor, statements);}</pre>
 */
public final class PostgresPool implements AutoCloseable {
    /**
     * What to do when the server has no connection slot left for us (SQLSTATE 53300, the "too many
     * connections" incident itself): the tool's role must be able to take a reserved slot.
     */
    static final String TOO_MANY_CONNECTIONS_HINT = "the server has no connection slot left for this role (the incident "
            + "itself: something holds every connection). Give the tool's role a reserved slot: on PostgreSQL 16+ set "
            + "reserved_connections (e.g. 3) and GRANT pg_use_reserved_connections TO <the role in postgres.url>; before 16 only "
            + "superusers have reserved slots (superuser_reserved_connections), so cap the application's role instead "
            + "(ALTER ROLE <app role> CONNECTION LIMIT <below max_connections>). Meanwhile free slots from the application side "
            + "(restart or scale in the api service) and run again";

    /** The application name of our connections, as {@code pg_stat_activity} shows it. */
    public static final String APPLICATION_NAME = "discordination-ops";
    static final int MAX_CONNECTIONS = 2;

    private final HikariDataSource dataSource;
    private final JdbcSettings settings;
    /** The read-only role's settings, resolved when a read first needs them (an unset variable must not break the other verbs). */
    private final Supplier<ReadRole> readRole;
    private final String environment;
    private final Function<String, String> redact;
    private final CallCounter statements;

    /** A libpq URL turned into what JDBC needs; {@code endpoint} is {@code host:port/db}, for messages. */
    record JdbcSettings(String jdbcUrl, String user, Secret password, String database, String endpoint) {
    }

    /** {@code postgres.readUser} and {@code postgres.readPassword}. */
    record ReadRole(Optional<String> user, Optional<Secret> password) {
    }

    private PostgresPool(JdbcSettings settings, Supplier<ReadRole> readRole, String environment, Function<String, String> redact,
                         CallCounter statements) {
        this.settings = settings;
        this.readRole = readRole;
        this.environment = environment;
        this.redact = redact;
        this.statements = statements;
        HikariConfig config = new HikariConfig();
        config.setPoolName(APPLICATION_NAME);
        config.setJdbcUrl(settings.jdbcUrl());
        if (settings.user() != null) config.setUsername(settings.user());
        if (settings.password() != null) config.setPassword(settings.password().reveal());
        config.setMaximumPoolSize(MAX_CONNECTIONS);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        config.setIdleTimeout(60_000);
        // connect on first use, so a context that never touches the database never needs it
        config.setInitializationFailTimeout(-1);
        config.addDataSourceProperty("ApplicationName", APPLICATION_NAME);
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "120");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        // text parameters go untyped, so '8d3c...' compares with a uuid column as it does in psql
        config.addDataSourceProperty("stringtype", "unspecified");
        this.dataSource = new HikariDataSource(config);
    }

    /**
     * The pool of {@code postgres} (its URL is read now; the read role's password on first use),
     * its passwords registered with {@code redactor} and its statements counted in {@code statements}.
     * Whoever creates it closes it.
     */
    public static PostgresPool create(PostgresTopology postgres, String environment, Redactor redactor, CallCounter statements) {
        JdbcSettings settings = settings(Secret.of(postgres.url().required()), postgres.database().optional(), environment);
        if (settings.password() != null) redactor.register(settings.password());
        Supplier<ReadRole> readRole = memoize(() -> {
            Optional<Secret> password = postgres.readPassword().optional().map(Secret::of);
            password.ifPresent(redactor::register);
            return new ReadRole(postgres.readUser().optional(), password);
        });
        return new PostgresPool(settings, readRole, environment, redactor::redact, statements);
    }

    /**
     * Prepares {@code sql} on {@code c}, a connection of this pool, counting it under its verb in
     * the context's PostgreSQL statements; every statement of ours goes through here.
     *
     * <pre>{@code try (PreparedStatement st = pool.prepare(c, "SELECT 1")) { ... }}</pre>
     */
    public PreparedStatement prepare(Connection c, String sql) throws SQLException {
        statements.count(Postgres.verb(sql));
        return c.prepareStatement(sql);
    }

    /** Converts {@code postgresql://user:password@host:port/db?params} (or a JDBC URL) for JDBC. */
    static JdbcSettings settings(Secret url, Optional<String> databaseSetting, String environment) {
        String raw = url.reveal().trim();
        try {
            if (raw.startsWith("jdbc:postgresql:")) {
                URI u = URI.create(raw.substring("jdbc:".length()));
                String db = databaseSetting.orElseGet(() -> stripSlash(u.getPath()));
                return new JdbcSettings(raw, null, null, db, u.getHost() + ":" + port(u) + "/" + db);
            }
            URI u = URI.create(raw);
            if (!"postgresql".equals(u.getScheme()) && !"postgres".equals(u.getScheme())) throw new IllegalArgumentException("scheme");
            if (u.getHost() == null) throw new IllegalArgumentException("host");
            String user = null;
            Secret password = null;
            String userInfo = u.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
                if (colon >= 0) password = Secret.of(decode(userInfo.substring(colon + 1)));
            }
            String db = stripSlash(u.getPath());
            if (db.isEmpty()) db = databaseSetting.orElse("postgres");
            String host = u.getHost();
            String jdbc = "jdbc:postgresql://" + host + ":" + port(u) + "/" + db + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            return new JdbcSettings(jdbc, user, password, databaseSetting.orElse(db), host + ":" + port(u) + "/" + db);
        } catch (IllegalArgumentException e) {
            // the URL holds the password: never quote it
            throw OpsException.builder("postgres.url is not a PostgreSQL URL").service("postgres").environment(environment)
                    .hint("use postgresql://user:password@host:5432/discordination (DATABASE_URL)").invalidInput();
        }
    }

    private static <T> Supplier<T> memoize(Supplier<T> supplier) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) value = supplier.get();
                return value;
            }
        };
    }

    private static int port(URI u) {
        return u.getPort() > 0 ? u.getPort() : 5432;
    }

    private static String stripSlash(String path) {
        return path == null ? "" : path.startsWith("/") ? path.substring(1) : path;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The environment's database, whose sessions the verbs look at. */
    public String database() {
        return settings.database();
    }

    String endpoint() {
        return settings.endpoint();
    }

    String environment() {
        return environment;
    }

    String redact(String text) {
        return redact.apply(text);
    }

    /** A connection from the pool; the caller closes it (back to the pool). */
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw failure("Cannot connect to PostgreSQL at " + settings.endpoint(), e);
        }
    }

    /**
     * A new connection (not pooled: nothing a read leaves in its session outlives it) as the
     * read-only role {@code postgres.readUser}, with the pool's host, database and options. The
     * caller closes it. Without that setting there is no such connection: reads that must not
     * write are refused rather than run with the pool's role, which can write.
     */
    public Connection readConnection() {
        ReadRole role = readRole.get();
        Optional<String> readUser = role.user();
        if (readUser.isEmpty()) {
            throw OpsException.builder("postgres.readUser is not set in environment " + environment
                            + ": ad-hoc queries run only as a role that cannot write")
                    .service("postgres").environment(environment).resource(settings.endpoint())
                    .hint("create one (CREATE ROLE discordination_readonly LOGIN PASSWORD '...'; GRANT pg_read_all_data TO "
                            + "discordination_readonly; ALTER ROLE discordination_readonly SET default_transaction_read_only = on) "
                            + "and set postgres.readUser and postgres.readPassword (DATABASE_READ_USER, DATABASE_READ_PASSWORD)")
                    .invalidInput();
        }
        Properties props = new Properties();
        props.setProperty("user", readUser.get());
        role.password().ifPresent(p -> props.setProperty("password", p.reveal()));
        props.setProperty("ApplicationName", APPLICATION_NAME);
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "120");
        props.setProperty("stringtype", "unspecified");
        try {
            return DriverManager.getConnection(settings.jdbcUrl(), props);
        } catch (SQLException e) {
            throw failure("Cannot connect to PostgreSQL at " + settings.endpoint() + " as " + readUser.get(), e);
        }
    }

    /** Work with one pooled connection; SQL errors become {@link OpsException}s. */
    public <T> T withConnection(SqlWork<T> work) {
        try (Connection c = connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure("PostgreSQL " + settings.endpoint() + " failed", e);
        }
    }

    /** Code that uses one connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** An {@link OpsException} for a SQL failure, by SQLSTATE, with what to do; no secret in it. */
    public OpsException failure(String what, SQLException e) {
        SQLException root = e;
        // HikariCP wraps the driver's error when a connection cannot be made
        if (e.getCause() instanceof SQLException inner) root = inner;
        String state = root.getSQLState() == null ? "" : root.getSQLState();
        String reason = redact.apply(String.valueOf(root.getMessage()));
        OpsException.Builder b = OpsException.builder(what + ": " + reason).service("postgres").environment(environment)
                .resource(settings.endpoint()).cause(e);
        if (state.equals("28P01") || state.equals("28000")) {
            return b.hint("check the user and password in postgres.url (DATABASE_URL)").accessDenied();
        }
        if (state.equals("42501")) {
            return b.hint("the database user lacks a privilege; ask for it (terminating other roles' sessions needs pg_signal_backend)").accessDenied();
        }
        if (state.equals("3D000")) return b.hint("check the database name in postgres.url").notFound();
        if (state.equals("53300")) return b.hint(TOO_MANY_CONNECTIONS_HINT).build();
        if (state.startsWith("08") || e instanceof java.sql.SQLTransientConnectionException) {
            return b.hint("check postgres.url (DATABASE_URL) and that the server is reachable").build();
        }
        if (state.equals("25006")) return b.hint("query() runs read-only; write through a verb that goes through the Gate").invalidInput();
        if (state.startsWith("42")) return b.hint("check the SQL").invalidInput();
        return b.build();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
