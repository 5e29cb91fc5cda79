package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.agent.AgentProcess;
import io.discordination.ops.sandbox.aws.AwsClients;
import io.discordination.ops.sandbox.aws.AwsSeeder;
import io.discordination.ops.sandbox.aws.EcsSimulator;
import io.discordination.ops.sandbox.aws.MotoServer;
import io.discordination.ops.sandbox.postgres.PostgresCluster;
import io.discordination.ops.sandbox.process.Ports;
import io.discordination.ops.sandbox.process.Processes;
import io.discordination.ops.sandbox.redis.RedisServer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;
import java.util.function.Supplier;

/**
 * A complete local Discordination for drills, demos and tests: moto (AWS), redis-server,
 * PostgreSQL and the sandbox agent (LiveKit emulator, ECS simulator) on free loopback ports,
 * seeded with production's names and realistic data. State lives under {@code OPS_HOME/sandbox};
 * two OPS_HOMEs give two independent sandboxes. The servers outlive the JVM that started them
 * and are found again by PID.
 *
 * <pre>{@code
 * Sandbox sandbox = Sandbox.at(Path.of(System.getProperty("user.home"), ".ops"));
 * SandboxInfo info = sandbox.up();      // starts what is not running, reuses what is
 * sandbox.reset();                      // back to the seeded state
 * sandbox.down();                       // stops exactly what it started
 * }</pre>
 */
public final class Sandbox {
    public static final String MOTO = "moto";
    public static final String REDIS = "redis";
    public static final String POSTGRES = "postgres";
    /** The sandbox agent: LiveKit emulator and ECS simulator. */
    public static final String AGENT = "agent";
    public static final List<String> COMPONENTS = List.of(MOTO, REDIS, POSTGRES, AGENT);

    private static final Map<String, String> COMMAND_MARKS = Map.of(
            MOTO, "moto_server", REDIS, "redis-server", POSTGRES, "postgres", AGENT, "SandboxAgent");
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(40);
    private static final int START_ATTEMPTS = 3;

    private final Path opsHome;
    private final Path dir;
    private final MotoServer moto;
    private final RedisServer redis;
    private final AgentProcess agent;

    private Sandbox(Path opsHome) {
        this.opsHome = opsHome.toAbsolutePath().normalize();
        this.dir = this.opsHome.resolve("sandbox");
        this.moto = new MotoServer(dir);
        this.redis = new RedisServer(dir);
        this.agent = new AgentProcess(dir);
    }

    /** The sandbox of {@code opsHome} (nothing is started until {@link #up()}). */
    public static Sandbox at(Path opsHome) {
        return new Sandbox(opsHome);
    }

    public Path opsHome() {
        return opsHome;
    }

    /** {@code OPS_HOME/sandbox}: state, PID files, logs. */
    public Path directory() {
        return dir;
    }

    /** {@code OPS_HOME/sandbox/local.yaml}, the {@code local} environment; present while the sandbox is up. */
    public Path environmentFile() {
        return dir.resolve("local.yaml");
    }

    private Path stateFile() {
        return dir.resolve("sandbox.json");
    }

    private Path pidFile(String component) {
        return dir.resolve(component + ".pid");
    }

    /** The log file of a component (moto, redis, postgres, agent). */
    public Path logFile(String component) {
        return switch (component) {
            case MOTO -> moto.log();
            case REDIS -> redis.log();
            case AGENT -> agent.log();
            case POSTGRES -> postgres(SandboxState.load(stateFile())).log();
            default -> throw new IllegalArgumentException("no sandbox component " + component);
        };
    }

    /** Starts whatever is not running, seeds what was started, writes the {@code local} environment. */
    public SandboxInfo up() {
        return up(line -> { });
    }

    /** {@link #up()}, reporting one line per component to {@code progress}. */
    public SandboxInfo up(Consumer<String> progress) {
        return locked(() -> ensure(progress, false));
    }

    /** Back to the seeded state; running servers are reseeded in place, missing ones started. */
    public SandboxInfo reset() {
        return reset(line -> { });
    }

    public SandboxInfo reset(Consumer<String> progress) {
        return locked(() -> ensure(progress, true));
    }

    /** How long {@link #down()} waits for a server to exit on TERM before it sends KILL. */
    static final Duration DOWN_GRACE = Duration.ofSeconds(5);

    /**
     * Stops exactly the processes this sandbox started (by PID, with their children) and removes
     * the {@code local} environment; returns when all of them have exited (TERM, KILL after
     * {@link #DOWN_GRACE}; the progress line says which needed KILL).
     */
    public void down() {
        down(line -> { });
    }

    public void down(Consumer<String> progress) {
        locked(() -> {
            SandboxState state = SandboxState.load(stateFile());
            List<String> survivors = new java.util.ArrayList<>();
            for (String name : List.of(AGENT, MOTO, REDIS, POSTGRES)) {
                SandboxState.Server server = state.servers.get(name);
                if (server != null && isOurs(name, server)) {
                    Processes.Stopped how = name.equals(POSTGRES)
                            ? postgres(state).stop(server.pid)
                            : Processes.stop(server.pid, DOWN_GRACE);
                    if (how == Processes.Stopped.STILL_RUNNING) survivors.add(name + " (pid " + server.pid + ")");
                    progress.accept(String.format(Locale.ROOT, "%-9s %s (pid %d)", name, switch (how) {
                        case NOT_RUNNING, ON_TERM -> "stopped";
                        case KILLED -> "killed: it did not stop within " + DOWN_GRACE.toSeconds() + " s of TERM";
                        case STILL_RUNNING -> "STILL RUNNING after KILL";
                    }, server.pid));
                } else {
                    progress.accept(String.format(Locale.ROOT, "%-9s was not running", name));
                }
                if (server != null) server.pid = 0;
                deleteQuietly(pidFile(name));
            }
            deleteQuietly(environmentFile());
            if (Files.isDirectory(dir)) state.save(stateFile());
            if (!survivors.isEmpty()) {
                throw new SandboxException("Still running after KILL: " + String.join(", ", survivors)
                        + "; check them with  ps -o pid,stat,cmd -p PID");
            }
            return null;
        });
    }

    /**
     * {@link #down()}, then removes the sandbox's folder under OPS_HOME, PostgreSQL's data
     * directory, and OPS_HOME itself if nothing else is left in it: the next {@code up} starts
     * from nothing (new credentials, a new cluster).
     */
    public void destroy() {
        down();
        locked(() -> {
            SandboxState state = SandboxState.load(stateFile());
            deleteTree(postgres(state).root());
            deleteTree(dir);
            deleteIfEmpty(opsHome);
            return null;
        });
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new SandboxException("Cannot remove " + root + ": " + e.getMessage(), e);
        }
    }

    /** Each component, its address and a live health check. */
    public List<ComponentStatus> status() {
        SandboxState state = SandboxState.load(stateFile());
        List<ComponentStatus> out = new ArrayList<>();
        for (String name : COMPONENTS) {
            SandboxState.Server server = state.servers.get(name);
            int port = server == null ? 0 : server.port;
            boolean running = server != null && isOurs(name, server);
            boolean healthy = running && healthy(name, port, state);
            out.add(new ComponentStatus(name, address(name, port), running ? server.pid : 0, running, healthy,
                    detail(name, running, healthy, port, state)));
        }
        return out;
    }

    /** True if every component runs and answers its health check. */
    public boolean isUp() {
        return status().stream().allMatch(ComponentStatus::healthy);
    }

    /** Where everything is; throws if the sandbox was never started here. */
    public SandboxInfo info() {
        SandboxState state = SandboxState.load(stateFile());
        if (state.aws == null || state.servers.size() < COMPONENTS.size()) {
            throw new SandboxException("No sandbox has been started in " + dir + "; start one with: ops sandbox up");
        }
        return info(state);
    }

    /** The variables for {@code eval "$(ops sandbox env)"}, in order. */
    public Map<String, String> exports() {
        return info().exports();
    }

    /** Makes the next {@code discordination-migrate} task fail (exit code 1), once. */
    public void failNextMigration() {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(EcsSimulator.FAIL_NEXT_MIGRATION), "the next migration task exits with status 1\n");
        } catch (IOException e) {
            throw new SandboxException("Cannot write " + dir.resolve(EcsSimulator.FAIL_NEXT_MIGRATION) + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------

    private SandboxInfo ensure(Consumer<String> progress, boolean reseed) {
        checkPrerequisites();
        SandboxState state = SandboxState.load(stateFile());
        PostgresCluster pg = postgres(state);
        Map<String, Boolean> wasRunning = new LinkedHashMap<>();
        for (String name : COMPONENTS) {
            SandboxState.Server server = state.servers.get(name);
            boolean ours = server != null && isOurs(name, server);
            boolean healthy = ours && healthy(name, server.port, state);
            if (ours && !healthy) {
                // ours but not answering: stop it rather than leave it behind a new one
                if (name.equals(POSTGRES)) pg.stop(server.pid);
                else Processes.stop(server.pid, Duration.ofSeconds(5));
                progress.accept(line(name, "was running (pid " + server.pid + ") but not answering; restarting it", -1));
                server.pid = 0;
            }
            wasRunning.put(name, healthy);
        }
        if (!wasRunning.get(MOTO) && wasRunning.get(AGENT)) {
            // the agent talks to moto at the address it was started with: restart it with the new one
            SandboxState.Server agentServer = state.servers.get(AGENT);
            Processes.stop(agentServer.pid, Duration.ofSeconds(5));
            agentServer.pid = 0;
            deleteQuietly(pidFile(AGENT));
            wasRunning.put(AGENT, false);
            progress.accept(line(AGENT, "restarted with the new moto", -1));
        }
        // ports first, one thread, so two servers never pick the same one
        Set<Integer> taken = new HashSet<>();
        for (String name : COMPONENTS) {
            SandboxState.Server server = state.server(name);
            if (wasRunning.get(name)) {
                taken.add(server.port);
                continue;
            }
            int port = Ports.rememberedOrFree(server.port);
            while (taken.contains(port)) port = Ports.pickFree();
            server.port = port;
            taken.add(port);
        }
        state.save(stateFile());

        Set<String> startedNow = ConcurrentHashMap.newKeySet();
        List<AutoCloseable> closeLater = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(5, r -> {
            Thread t = new Thread(r, "sandbox-up");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> work = new ArrayList<>();
            java.util.concurrent.CompletionService<Object> finished = new java.util.concurrent.ExecutorCompletionService<>(pool);
            work.add(finished.submit(() -> {
                long t0 = System.nanoTime();
                boolean seed = !wasRunning.get(MOTO) || reseed || state.aws == null;
                AwsClients aws = new AwsClients(MotoServer.endpoint(state.servers.get(MOTO).port), SeedData.REGION,
                        state.credentials.awsAccessKeyId, state.credentials.awsSecretAccessKey);
                closeLater.add(aws);
                Future<?> warm = seed ? pool.submit(aws::warmUp) : null;
                if (seed && wasRunning.get(AGENT)) {
                    // the ECS simulator must not act while moto is emptied and seeded (ids would shift)
                    agent.post(state.servers.get(AGENT).port, "/sandbox/ecs/pause");
                }
                if (!wasRunning.get(MOTO)) {
                    start(MOTO, state, moto::start, moto::isHealthy, moto.log(), progress);
                    state.motoPatched = moto.patchesApplied();
                    startedNow.add(MOTO);
                }
                if (seed) {
                    warm.get();
                    seedAws(state, aws, startedNow.contains(MOTO));
                    progress.accept(line(MOTO, "seeded (ECS, logs, RDS, metrics, S3, WAF, secrets)", t0));
                } else {
                    progress.accept(line(MOTO, "running on " + MotoServer.endpoint(state.servers.get(MOTO).port) + " (reused)", -1));
                }
                return null;
            }));
            work.add(finished.submit(() -> {
                long t0 = System.nanoTime();
                if (!wasRunning.get(REDIS)) {
                    start(REDIS, state, redis::start, redis::isHealthy, redis.log(), progress);
                    startedNow.add(REDIS);
                }
                if (startedNow.contains(REDIS) || reseed) {
                    redis.seed(state.servers.get(REDIS).port);
                    progress.accept(line(REDIS, "seeded (api:cache, rl, session, presence, user keys)", t0));
                } else {
                    progress.accept(line(REDIS, "running on " + RedisServer.url(state.servers.get(REDIS).port) + " (reused)", -1));
                }
                return null;
            }));
            work.add(finished.submit(() -> {
                long t0 = System.nanoTime();
                if (!wasRunning.get(POSTGRES)) {
                    startPostgres(state, pg, progress);
                    startedNow.add(POSTGRES);
                }
                int port = state.servers.get(POSTGRES).port;
                if (startedNow.contains(POSTGRES) || reseed) {
                    pg.seed(port, state.credentials.adminPassword, state.credentials.databasePassword,
                            state.credentials.opsDatabasePassword, state.credentials.readDatabasePassword);
                    progress.accept(line(POSTGRES, "seeded (discordination: users, sessions)", t0));
                } else {
                    progress.accept(line(POSTGRES, "running on 127.0.0.1:" + port + " (reused)", -1));
                }
                return null;
            }));
            work.add(finished.submit(() -> {
                if (!wasRunning.get(AGENT)) {
                    // the agent needs moto's port, which is fixed above
                    Map<String, String> env = Map.of(
                            "AWS_ENDPOINT_URL", MotoServer.endpoint(state.servers.get(MOTO).port),
                            "AWS_REGION", SeedData.REGION,
                            "AWS_ACCESS_KEY_ID", state.credentials.awsAccessKeyId,
                            "AWS_SECRET_ACCESS_KEY", state.credentials.awsSecretAccessKey,
                            "LK_KEY", state.credentials.lkKey,
                            "LK_SECRET", state.credentials.lkSecret);
                    start(AGENT, state, port -> agent.start(port, env), agent::isHealthy, agent.log(), progress);
                    startedNow.add(AGENT);
                } else if (reseed) {
                    agent.post(state.servers.get(AGENT).port, "/sandbox/livekit/reset");
                    progress.accept(line(AGENT, "LiveKit rooms reseeded", -1));
                } else {
                    progress.accept(line(AGENT, "running on " + AgentProcess.url(state.servers.get(AGENT).port) + " (reused)", -1));
                }
                return null;
            }));
            SandboxException failure = null;
            // the first failure counts, whichever component it comes from
            for (int done = 0; done < work.size() && failure == null; done++) {
                try {
                    finished.take().get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    failure = cause instanceof SandboxException se ? se
                            : new SandboxException("Sandbox start-up failed: " + cause, cause);
                    // no point finishing the others: interrupt them and wait until they let go
                    pool.shutdownNow();
                    pool.awaitTermination(20, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            if (failure != null) throw failure;
            // the ECS simulator acts only on a seeded moto
            agent.post(state.servers.get(AGENT).port, "/sandbox/ecs/resume");
        } catch (RuntimeException e) {
            // everything this call started, including a server whose start was interrupted
            Set<String> started = new HashSet<>(startedNow);
            for (String name : COMPONENTS) {
                SandboxState.Server server = state.servers.get(name);
                if (!wasRunning.get(name) && server != null && server.pid > 0) started.add(name);
            }
            long postmaster = pg.postmasterPid();
            if (!wasRunning.get(POSTGRES) && postmaster > 0 && Processes.isRunning(postmaster)) {
                state.server(POSTGRES).pid = postmaster;
                started.add(POSTGRES);
            }
            stopStarted(state, pg, started);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while starting the sandbox", e);
        } finally {
            pool.shutdownNow();
            for (AutoCloseable c : closeLater) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // clients of a finished start-up
                }
            }
        }
        SandboxInfo info = info(state);
        LocalEnvironmentFile.write(info);
        writeAwsCliConfig();
        state.save(stateFile());
        return info;
    }

    private static String line(String name, String what, long startNanos) {
        String took = startNanos < 0 ? "" : String.format(Locale.ROOT, " in %.1f s", (System.nanoTime() - startNanos) / 1e9);
        return String.format(Locale.ROOT, "%-9s %s%s", name, what, took);
    }

    private void stopStarted(SandboxState state, PostgresCluster pg, Set<String> started) {
        for (String name : started) {
            SandboxState.Server server = state.servers.get(name);
            if (server == null || server.pid <= 0) continue;
            if (name.equals(POSTGRES)) pg.stop(server.pid);
            else Processes.stop(server.pid, Duration.ofSeconds(3));
            server.pid = 0;
            deleteQuietly(pidFile(name));
        }
        state.save(stateFile());
    }

    /** Starts a server, retrying on another port when its port was taken in the meantime. */
    private void start(String name, SandboxState state, IntToLongFunction starter, IntPredicate healthy, Path log,
                       Consumer<String> progress) {
        long t0 = System.nanoTime();
        SandboxState.Server server = state.server(name);
        for (int attempt = 1; ; attempt++) {
            int port = server.port;
            appendMarker(log, name + " starting on 127.0.0.1:" + port);
            long pid = starter.applyAsLong(port);
            record(state, name, port, pid);
            String outcome = awaitReady(pid, port, healthy);
            if (outcome == null) {
                progress.accept(line(name, "started on 127.0.0.1:" + port + " (pid " + pid + ")", t0));
                return;
            }
            String tail = Processes.tail(log, 15);
            Processes.stop(pid, Duration.ofSeconds(3));
            server.pid = 0;
            boolean portTaken = tail.toLowerCase(Locale.ROOT).contains("address already in use");
            if (portTaken && attempt < START_ATTEMPTS) {
                server.port = Ports.pickFree();
                progress.accept(line(name, "port " + port + " was taken; trying " + server.port, -1));
                continue;
            }
            throw new SandboxException(name + " " + outcome + " (log: " + log + ")", tail, null);
        }
    }

    /** Null when healthy; otherwise what went wrong. */
    private static String awaitReady(long pid, int port, IntPredicate healthy) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (healthy.test(port)) return null;
            if (!Processes.isRunning(pid)) return "exited during start-up";
            sleep(40);
        }
        return "did not answer on port " + port + " within " + START_TIMEOUT.toSeconds() + " s";
    }

    private void startPostgres(SandboxState state, PostgresCluster pg, Consumer<String> progress) {
        long t0 = System.nanoTime();
        if (!pg.isInitialized()) PostgresCluster.removeOrphans();
        pg.initialize(state.credentials.adminPassword, opsHome);
        SandboxState.Server server = state.server(POSTGRES);
        // a cluster left running by a crashed sandbox (postmaster.pid alive) is stopped first
        long stale = pg.postmasterPid();
        if (stale > 0 && Processes.isRunning(stale) && Processes.commandLine(stale).contains(pg.dataDirectory().toString())) {
            pg.stop(stale);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                long pid = pg.start(server.port);
                record(state, POSTGRES, server.port, pid);
                progress.accept(line(POSTGRES, "started on 127.0.0.1:" + server.port + " (pid " + pid + ")", t0));
                return;
            } catch (SandboxException e) {
                if (attempt < START_ATTEMPTS && e.logTail().toLowerCase(Locale.ROOT).contains("address already in use")) {
                    int taken = server.port;
                    server.port = Ports.pickFree();
                    progress.accept(line(POSTGRES, "port " + taken + " was taken; trying " + server.port, -1));
                    continue;
                }
                throw e;
            }
        }
    }

    private synchronized void record(SandboxState state, String name, int port, long pid) {
        SandboxState.Server server = state.server(name);
        server.port = port;
        server.pid = pid;
        server.startedAt = Processes.startMillis(pid);
        try {
            Files.createDirectories(dir);
            Files.writeString(pidFile(name), pid + "\n");
        } catch (IOException e) {
            throw new SandboxException("Cannot write " + pidFile(name) + ": " + e.getMessage(), e);
        }
        state.save(stateFile());
    }

    private void seedAws(SandboxState state, AwsClients aws, boolean fresh) {
        int port = state.servers.get(MOTO).port;
        if (!state.motoPatched) {
            throw new SandboxException("moto started without the sandbox's fixes (see " + moto.log()
                    + "); the sandbox needs moto 5.2.1: pip install 'moto[server]==5.2.1'", Processes.tail(moto.log(), 15), null);
        }
        if (!fresh) moto.resetState(port);
        moto.prepareForSeeding(port);
        try {
            AwsSeeder.AwsSeed seed = new AwsSeeder(aws, state.credentials.databasePassword, Clock.systemUTC()).seed();
            new EcsSimulator(aws.ecs(), aws.logs(), dir, Clock.systemUTC()).reconcileServices();
            SandboxState.AwsIds ids = new SandboxState.AwsIds();
            ids.vpcId = seed.vpcId();
            ids.privateSubnets = new ArrayList<>(seed.privateSubnets());
            ids.dbSecurityGroup = seed.dbSecurityGroup();
            ids.appSecurityGroup = seed.appSecurityGroup();
            ids.ipSetId = seed.ipSetId();
            synchronized (this) {
                state.aws = ids;
            }
        } catch (SandboxException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SandboxException("Seeding moto failed: " + e.getMessage(), Processes.tail(moto.log(), 15), e);
        }
    }

    private PostgresCluster postgres(SandboxState state) {
        if (state.postgresRoot == null) state.postgresRoot = PostgresCluster.defaultRoot(opsHome).toString();
        return new PostgresCluster(Path.of(state.postgresRoot));
    }

    private boolean isOurs(String name, SandboxState.Server server) {
        return server.pid > 0 && Processes.isOurs(server.pid, server.startedAt, COMMAND_MARKS.get(name));
    }

    private boolean healthy(String name, int port, SandboxState state) {
        return switch (name) {
            case MOTO -> moto.isHealthy(port);
            case REDIS -> redis.isHealthy(port);
            case POSTGRES -> postgres(state).isHealthy(port, state.credentials.adminPassword);
            case AGENT -> agent.isHealthy(port);
            default -> false;
        };
    }

    private static String address(String name, int port) {
        if (port <= 0) return "-";
        return switch (name) {
            case MOTO -> MotoServer.endpoint(port);
            case REDIS -> RedisServer.url(port);
            case POSTGRES -> "postgresql://127.0.0.1:" + port + "/" + SeedData.DATABASE;
            case AGENT -> AgentProcess.url(port);
            default -> "127.0.0.1:" + port;
        };
    }

    private String detail(String name, boolean running, boolean healthy, int port, SandboxState state) {
        if (!running) return "not running";
        if (!healthy) return "running but not answering its health check (see " + logFile(name) + ")";
        return switch (name) {
            case MOTO -> "AWS emulator" + (state.motoPatched ? "" : " (WITHOUT the sandbox's fixes: ECS is not realistic)");
            case REDIS -> "PING answered PONG";
            case POSTGRES -> "accepts connections";
            case AGENT -> {
                String ecs;
                try {
                    ecs = agent.get(port, "/sandbox/status");
                } catch (SandboxException e) {
                    ecs = "status unknown";
                }
                yield "LiveKit emulator /healthz OK; ECS simulator " + ecs;
            }
            default -> "";
        };
    }

    private SandboxInfo info(SandboxState state) {
        SandboxState.Credentials c = state.credentials;
        int pgPort = state.servers.get(POSTGRES).port;
        int redisPort = state.servers.get(REDIS).port;
        SandboxState.AwsIds ids = state.aws != null ? state.aws : new SandboxState.AwsIds();
        return new SandboxInfo(opsHome, environmentFile(),
                MotoServer.endpoint(state.servers.get(MOTO).port), SeedData.REGION, c.awsAccessKeyId, c.awsSecretAccessKey,
                RedisServer.url(redisPort), redisPort,
                PostgresCluster.databaseUrl(pgPort, SeedData.OPS_DATABASE_USER, c.opsDatabasePassword), PostgresCluster.appJdbcUrl(pgPort),
                SeedData.DATABASE_USER, c.databasePassword, SeedData.OPS_DATABASE_USER, c.opsDatabasePassword,
                SeedData.READ_DATABASE_USER, c.readDatabasePassword,
                PostgresCluster.adminJdbcUrl(pgPort, "postgres"), "postgres", c.adminPassword, pgPort,
                AgentProcess.url(state.servers.get(AGENT).port), c.lkKey, c.lkSecret,
                ids.ipSetId, ids.privateSubnets, ids.dbSecurityGroup, ids.appSecurityGroup, ids.vpcId, dir);
    }

    /** The Python start-up file {@code sandbox env}'s PYTHONPATH points at (see usercustomize.py). */
    private void writeAwsCliConfig() {
        Path cli = dir.resolve("aws-cli");
        try (var fix = MotoServer.class.getResourceAsStream("usercustomize.py")) {
            Files.createDirectories(cli);
            if (fix == null) throw new SandboxException("usercustomize.py is missing from the ops-sandbox jar");
            Files.write(cli.resolve("usercustomize.py"), fix.readAllBytes());
        } catch (IOException e) {
            throw new SandboxException("Cannot write the sandbox's AWS CLI fix in " + cli + ": " + e.getMessage(), e);
        }
    }

    private void checkPrerequisites() {
        List<String> missing = new ArrayList<>();
        if (Processes.which("moto_server").isEmpty()) missing.add("moto_server (pip install 'moto[server]==5.2.1')");
        if (Processes.which("redis-server").isEmpty()) missing.add("redis-server (sudo apt-get install -y redis-server redis-tools)");
        try {
            PostgresCluster.binaries();
        } catch (SandboxException e) {
            missing.add("PostgreSQL (sudo apt-get install -y postgresql postgresql-client)");
        }
        if (!missing.isEmpty()) {
            throw new SandboxException("The sandbox needs " + String.join(", ", missing) + "; install and run ops sandbox up again");
        }
    }

    private static void appendMarker(Path log, String text) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "=== " + java.time.Instant.now() + " " + text + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the server's own output still goes to the log
        }
    }

    private static void deleteIfEmpty(Path folder) {
        try (var entries = Files.list(folder)) {
            if (entries.findAny().isEmpty()) Files.delete(folder);
        } catch (IOException ignored) {
            // not empty or already gone: leave it
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing to undo
        }
    }

    /** Serializes up, reset and down: across threads of this JVM and across processes (a file lock). */
    private <T> T locked(Supplier<T> action) {
        ReentrantLock local = LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return action.get();
            }
        } catch (IOException e) {
            throw new SandboxException("Cannot lock " + dir.resolve(".lock") + ": " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted", e);
        }
    }
}
