package io.discordination.ops.sandbox.postgres;

import io.discordination.ops.sandbox.SandboxComponent;
import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.process.Processes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;

/**
 * A private PostgreSQL cluster for the sandbox: its own data directory, a loopback port, the
 * {@code discordination} database owned by an application role with a password, the
 * {@code users} and {@code sessions} tables seeded, and the two roles of the on-call tool: its own
 * ({@link SeedData#OPS_DATABASE_USER}) and a read-only one for ad-hoc reads
 * ({@link SeedData#READ_DATABASE_USER}), each with its own password.
 *
 * <p>{@code initdb} and {@code postgres} refuse to run as root, so as root they run as the
 * {@code postgres} user; the data directory then lives under /var/tmp (named after a hash of
 * OPS_HOME), because OPS_HOME may be in a home folder that user cannot enter.
 *
 * <pre>{@code PostgresCluster pg = new PostgresCluster(PostgresCluster.defaultRoot(opsHome), opsHome, passwords); long pid = pg.start(port); pg.seed(port, true);}</pre>
 */
public final class PostgresCluster implements SandboxComponent {
    private static final String SYSTEM_USER = "postgres";
    private static final String ADMIN = "postgres";

    /** The superuser's and the three roles' passwords (see {@link #seed(int, String, String, String, String)}). */
    public record Passwords(String admin, String app, String ops, String read) {
        @Override
        public String toString() {
            return "Passwords[redacted]";
        }
    }

    private final Path root;
    private final Path opsHome;
    private final Passwords passwords;

    /** The cluster in {@code root} of the sandbox at {@code opsHome}. */
    public PostgresCluster(Path root, Path opsHome, Passwords passwords) {
        this.root = root;
        this.opsHome = opsHome;
        this.passwords = passwords;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public String commandMark() {
        return "postgres";
    }

    @Override
    public String address(int port) {
        return "postgresql://127.0.0.1:" + port + "/" + SeedData.DATABASE;
    }

    @Override
    public Optional<String> missingPrerequisite() {
        try {
            binaries();
            return Optional.empty();
        } catch (SandboxException e) {
            return Optional.of("PostgreSQL (sudo apt-get install -y postgresql postgresql-client)");
        }
    }

    /**
     * Runs initdb the first time (removing clusters of sandboxes that are gone), stops a cluster
     * a crashed sandbox left running on this data directory, then starts the cluster on
     * {@code port}; returns when it accepts connections.
     */
    @Override
    public long start(int port) {
        if (!isInitialized()) removeOrphans();
        initialize(passwords.admin(), opsHome);
        long stale = postmasterPid();
        if (stale > 0 && Processes.isRunning(stale) && Processes.commandLine(stale).contains(dataDirectory().toString())) {
            stop(stale);
        }
        return startServer(port);
    }

    @Override
    public boolean isHealthy(int port) {
        return isHealthy(port, passwords.admin());
    }

    @Override
    public String healthDetail(int port) {
        return "accepts connections";
    }

    @Override
    public Optional<String> seed(int port, boolean justStarted) {
        seed(port, passwords.admin(), passwords.app(), passwords.ops(), passwords.read());
        return Optional.of("seeded (discordination: users, sessions)");
    }

    /** {@code pg_ctl stop -m fast}; the grace is PostgreSQL's own (see {@link #stop(long)}). */
    @Override
    public Processes.Stopped stop(long pid, Duration grace) {
        return stop(pid);
    }

    /** The postmaster of an interrupted start, from postmaster.pid. */
    @Override
    public long strayPid() {
        return postmasterPid();
    }

    /** Where the cluster of the sandbox at {@code opsHome} lives. */
    public static Path defaultRoot(Path opsHome) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(opsHome.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_-]", "");
            return Path.of("/var/tmp", "discordination-sandbox-" + user + "-" + HexFormat.of().formatHex(digest, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path root() {
        return root;
    }

    public Path dataDirectory() {
        return root.resolve("data");
    }

    public Path socketDirectory() {
        return root.resolve("run");
    }

    @Override
    public Path log() {
        return root.resolve("postgres.log");
    }

    /** The newest installed PostgreSQL's bin folder (Debian's /usr/lib/postgresql/N/bin), else the folder of pg_ctl on the PATH. */
    public static Path binaries() {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.filter(p -> p.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                        .filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingDouble(p -> Double.parseDouble(p.getFileName().toString())));
                if (newest.isPresent()) return newest.get().resolve("bin");
            } catch (IOException ignored) {
                // fall through to the PATH
            }
        }
        return Processes.which("initdb").or(() -> Processes.which("pg_ctl")).map(Path::getParent)
                .orElseThrow(() -> new SandboxException(
                        "PostgreSQL is not installed: install it with  sudo apt-get install -y postgresql postgresql-client"));
    }

    /** The major version of the PostgreSQL in {@code bin} (Debian's /usr/lib/postgresql/N/bin), or 0 when unknown. */
    static int majorVersion(Path bin) {
        Path versionFolder = bin.getParent();
        String name = versionFolder == null || versionFolder.getFileName() == null ? "" : versionFolder.getFileName().toString();
        return name.matches("\\d+") ? Integer.parseInt(name) : 0;
    }

    private List<String> asServerUser(String... command) {
        List<String> full = new ArrayList<>();
        if (Processes.isRoot()) {
            full.addAll(List.of(Processes.which("runuser").map(Path::toString).orElse("/usr/sbin/runuser"), "-u", SYSTEM_USER, "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    public boolean isInitialized() {
        return Files.isRegularFile(dataDirectory().resolve("PG_VERSION"));
    }

    /**
     * Removes clusters of sandboxes whose OPS_HOME is gone (a test run's temporary home, deleted
     * after the run) and whose postmaster is not running. Clusters of live homes are untouched.
     */
    public static void removeOrphans() {
        Path parent = Path.of("/var/tmp");
        String prefix = "discordination-sandbox-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_-]", "") + "-";
        try (Stream<Path> roots = Files.list(parent)) {
            for (Path root : roots.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                Path owner = root.resolve(OWNER_FILE);
                if (!Files.isRegularFile(owner)) continue;
                if (Files.exists(Path.of(Files.readString(owner).trim()))) continue;
                long pid = postmasterPid(root.resolve("data"));
                if (pid > 0 && Processes.isRunning(pid)) continue;
                try (Stream<Path> tree = Files.walk(root)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        } catch (IOException ignored) {
            // best effort: an orphan left for the next time costs only disk space
        }
    }

    /** The file in a cluster's root naming the OPS_HOME it belongs to. */
    private static final String OWNER_FILE = "ops-home";

    /** Runs initdb once; the superuser {@code postgres} gets {@code adminPassword}. */
    public void initialize(String adminPassword, Path opsHome) {
        if (isInitialized()) return;
        Path bin = binaries();
        try {
            Files.createDirectories(root);
            Files.writeString(root.resolve(OWNER_FILE), opsHome.toAbsolutePath().normalize() + "\n");
            Files.createDirectories(socketDirectory());
            Path passwordFile = root.resolve("initdb.pw");
            Files.writeString(passwordFile, adminPassword + "\n");
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
            Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
            if (Processes.isRoot()) chownTree(root);
            Processes.Result result = Processes.run(asServerUser(bin.resolve("initdb").toString(),
                    "-D", dataDirectory().toString(), "-U", ADMIN, "--pwfile=" + passwordFile,
                    "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"),
                    Duration.ofSeconds(120), Map.of());
            Files.deleteIfExists(passwordFile);
            if (!result.ok()) {
                throw new SandboxException("initdb failed (exit " + result.exitCode() + ") for " + dataDirectory(),
                        tailOf(result.output(), 20), null);
            }
        } catch (IOException e) {
            throw new SandboxException("Cannot prepare PostgreSQL's folder " + root + ": " + e.getMessage(), e);
        }
    }

    private void chownTree(Path dir) throws IOException {
        UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SYSTEM_USER);
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.toList()) Files.setOwner(p, owner);
        }
    }

    /** Starts the cluster on {@code port} and waits until it accepts connections; returns the postmaster's PID. */
    private long startServer(int port) {
        Path bin = binaries();
        String options = "-p " + port + " -k " + socketDirectory() + " -c listen_addresses=127.0.0.1"
                + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
                + " -c log_line_prefix='%m [%p] %q%u@%d '"
                // PostgreSQL 16+: slots only the tool's role may take, so it can connect when the application took the rest
                + (majorVersion(bin) >= 16 ? " -c reserved_connections=3" : "");
        Processes.Result result = Processes.run(asServerUser(bin.resolve("pg_ctl").toString(),
                "-D", dataDirectory().toString(), "-l", log().toString(), "-w", "-t", "30", "-o", options, "start"),
                Duration.ofSeconds(40), Map.of());
        long pid = postmasterPid();
        if (!result.ok() || pid <= 0) {
            throw new SandboxException("PostgreSQL did not start on port " + port + " (pg_ctl exit " + result.exitCode() + ")",
                    Processes.tail(log(), 15), null);
        }
        return pid;
    }

    /** The postmaster's PID from postmaster.pid, or 0. */
    public long postmasterPid() {
        return postmasterPid(dataDirectory());
    }

    private static long postmasterPid(Path dataDirectory) {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
            return lines.isEmpty() ? 0 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Stops the postmaster {@code pid} with {@code pg_ctl stop -m fast}, then waits for it and its
     * backends to exit; what is left after 5 s gets TERM, then KILL.
     */
    public Processes.Stopped stop(long pid) {
        List<ProcessHandle> tree = pid > 0 && Processes.isRunning(pid)
                ? ProcessHandle.of(pid).map(Processes::tree).orElse(List.of()) : List.of();
        if (isInitialized()) {
            Processes.run(asServerUser(binaries().resolve("pg_ctl").toString(), "-D", dataDirectory().toString(),
                    "-m", "fast", "-w", "-t", "20", "stop"), Duration.ofSeconds(30), Map.of());
        }
        if (tree.isEmpty()) return Processes.Stopped.NOT_RUNNING;
        if (Processes.awaitExit(tree, Duration.ofSeconds(5))) return Processes.Stopped.ON_TERM;
        return Processes.stopAll(tree, Duration.ofSeconds(5));
    }

    public static String adminJdbcUrl(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public static String appJdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + SeedData.DATABASE;
    }

    /** {@code postgresql://USER:PASSWORD@127.0.0.1:PORT/discordination}, for psql and DATABASE_URL. */
    public static String databaseUrl(int port, String user, String password) {
        return "postgresql://" + user + ":" + password + "@127.0.0.1:" + port + "/" + SeedData.DATABASE;
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        // generous: on a loaded 2-core machine a scram login can take seconds, and a health check
        // that gives up too early would make up restart a server that is fine
        props.setProperty("connectTimeout", "10");
        props.setProperty("loginTimeout", "20");
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "ops-sandbox");
        return DriverManager.getConnection(url, props);
    }

    boolean isHealthy(int port, String adminPassword) {
        try (Connection c = connect(adminJdbcUrl(port, "postgres"), ADMIN, adminPassword); Statement s = c.createStatement()) {
            return s.executeQuery("select 1").next();
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Creates (or re-creates) the roles and the database and seeds them. Any session on the
     * database is ended first, so a reset also clears connections a drill left behind, and every
     * role gets its seeded password back (a rotation drill changes the application's).
     *
     * <p>The roles: the application's ({@link SeedData#DATABASE_USER}, owner of the database); the
     * tool's own ({@link SeedData#OPS_DATABASE_USER}: pg_read_all_data, pg_monitor to see every
     * session's state, pg_signal_backend to end idle ones, DELETE on sessions and UPDATE of
     * users.disabled for the compromised-account runbook, and pg_use_reserved_connections on
     * PostgreSQL 16+); the read-only one ({@link SeedData#READ_DATABASE_USER}: pg_read_all_data and
     * default_transaction_read_only, no write privilege and no other role's).
     */
    public void seed(int port, String adminPassword, String appPassword, String opsPassword, String readPassword) {
        try (Connection admin = connect(adminJdbcUrl(port, "postgres"), ADMIN, adminPassword); Statement s = admin.createStatement()) {
            loginRole(s, SeedData.DATABASE_USER, appPassword);
            loginRole(s, SeedData.OPS_DATABASE_USER, opsPassword);
            loginRole(s, SeedData.READ_DATABASE_USER, readPassword);
            s.execute("grant pg_read_all_data, pg_monitor, pg_signal_backend to " + SeedData.OPS_DATABASE_USER);
            if (serverVersion(s) >= 160000) s.execute("grant pg_use_reserved_connections to " + SeedData.OPS_DATABASE_USER);
            s.execute("grant pg_read_all_data to " + SeedData.READ_DATABASE_USER);
            // a safety net only: the role has no write privilege, which no SET can change
            s.execute("alter role " + SeedData.READ_DATABASE_USER + " set default_transaction_read_only = on");
            s.execute("drop database if exists " + SeedData.DATABASE + " with (force)");
            s.execute("create database " + SeedData.DATABASE + " owner " + SeedData.DATABASE_USER);
        } catch (SQLException e) {
            throw new SandboxException("Cannot create the discordination database on port " + port + ": " + e.getMessage(), e);
        }
        try (Connection app = connect(appJdbcUrl(port), SeedData.DATABASE_USER, appPassword)) {
            app.setAutoCommit(false);
            try (Statement s = app.createStatement()) {
                s.execute("""
                        create table users (
                            id uuid primary key default gen_random_uuid(),
                            username text not null unique,
                            email text not null unique,
                            disabled boolean not null default false,
                            created_at timestamptz not null default now()
                        )""");
                s.execute("""
                        create table sessions (
                            id uuid primary key default gen_random_uuid(),
                            user_id uuid not null references users(id) on delete cascade,
                            token_hash text not null unique,
                            user_agent text,
                            ip inet,
                            created_at timestamptz not null default now(),
                            last_seen_at timestamptz not null default now()
                        )""");
                s.execute("create index sessions_user_id_idx on sessions (user_id)");
                s.execute("grant delete on sessions to " + SeedData.OPS_DATABASE_USER);
                s.execute("grant update (disabled) on users to " + SeedData.OPS_DATABASE_USER);
            }
            Random random = new Random(7);
            Instant now = Instant.now();
            try (PreparedStatement users = app.prepareStatement(
                    "insert into users (id, username, email, disabled, created_at) values (?::uuid, ?, ?, ?, ?)");
                 PreparedStatement sessions = app.prepareStatement(
                         "insert into sessions (user_id, token_hash, user_agent, ip, created_at, last_seen_at) values (?::uuid, ?, ?, ?::inet, ?, ?)")) {
                String[] agents = {"Discordination/1.0 (Windows 11) Electron/33", "Mozilla/5.0 (Macintosh) Firefox/133.0",
                        "Discordination-iOS/245.0", "Discordination-Android/245.0", "Mozilla/5.0 (X11; Linux) Chrome/131.0"};
                for (int n = 0; n < SeedData.USERS; n++) {
                    String id = SeedData.userId(n);
                    String username = SeedData.username(n);
                    users.setString(1, id);
                    users.setString(2, username);
                    users.setString(3, username + "@example.com");
                    users.setBoolean(4, n == SeedData.USERS - 1);   // one account was disabled before
                    users.setTimestamp(5, Timestamp.from(now.minus(Duration.ofDays(30 + random.nextInt(700)))));
                    users.addBatch();
                    int count = n == 0 ? SeedData.WELL_KNOWN_USER_SESSIONS : 2 + random.nextInt(4);
                    for (int i = 0; i < count; i++) {
                        Instant created = now.minus(Duration.ofMinutes(30 + random.nextInt(60 * 24 * 20)));
                        sessions.setString(1, id);
                        sessions.setString(2, sha256Hex("session-" + n + "-" + i + "-" + random.nextLong()));
                        sessions.setString(3, agents[random.nextInt(agents.length)]);
                        sessions.setString(4, "198.51.100." + (1 + random.nextInt(250)));
                        sessions.setTimestamp(5, Timestamp.from(created));
                        sessions.setTimestamp(6, Timestamp.from(now.minus(Duration.ofMinutes(random.nextInt(30)))));
                        sessions.addBatch();
                    }
                }
                users.executeBatch();
                sessions.executeBatch();
            }
            app.commit();
        } catch (SQLException e) {
            throw new SandboxException("Cannot seed the discordination database on port " + port + ": " + e.getMessage(), e);
        }
    }

    private static void loginRole(Statement s, String role, String password) throws SQLException {
        boolean exists;
        try (var rs = s.executeQuery("select 1 from pg_roles where rolname = '" + role + "'")) {
            exists = rs.next();
        }
        // connection limit -1: a drill may have limited the role (connection-pool-exhaustion); the seed has none
        s.execute((exists ? "alter role " : "create role ") + role + " login connection limit -1 password '"
                + password.replace("'", "''") + "'");
    }

    private static int serverVersion(Statement s) throws SQLException {
        try (var rs = s.executeQuery("select current_setting('server_version_num')::int")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String tailOf(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
