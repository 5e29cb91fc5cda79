package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.agent.AgentProcess;
import io.discordination.ops.sandbox.aws.AwsClients;
import io.discordination.ops.sandbox.aws.AwsSeeder;
import io.discordination.ops.sandbox.aws.EcsSimulator;
import io.discordination.ops.sandbox.aws.MotoServer;
import io.discordination.ops.sandbox.aws.Operators;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A complete local Discordination for drills, demos and tests: moto (AWS), redis-server,
 * PostgreSQL and the sandbox agent (LiveKit emulator, ECS simulator) on free loopback ports,
 * seeded with production's names and realistic data. State lives under {@code OPS_HOME/sandbox};
 * two OPS_HOMEs give two independent sandboxes. The servers outlive the JVM that started them
 * and are found again by PID.
 *
 * <p>Each server is a {@link SandboxComponent}; this class is the orchestration over them: ports,
 * start-up in parallel with health waits and retries on a taken port, seeding, reset, status, and
 * {@code down} in dependency order, under one lock per OPS_HOME.
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
    /** The components, in the order status shows them. */
    public static final List<String> COMPONENTS = List.of(MOTO, REDIS, POSTGRES, AGENT);

    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(40);
    private static final int START_ATTEMPTS = 3;

    private final Path opsHome;
    private final Path dir;

    private Sandbox(Path opsHome) {
        this.opsHome = opsHome.toAbsolutePath().normalize();
        this.dir = this.opsHome.resolve("sandbox");
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

    /**
     * The components of this sandbox, in {@link #COMPONENTS} order, with what they need from
     * {@code state} (credentials, ports, what moto's seed left). The state object is shared: what
     * a component records goes into the next save of sandbox.json.
     */
    private List<SandboxComponent> components(SandboxState state) {
        SandboxState.Credentials c = state.credentials;
        MotoServer moto = new MotoServer(dir, new MotoServer.Seeding(SeedData.REGION, c.awsAccessKeyId, c.awsSecretAccessKey,
                c.databasePassword), new MotoServer.Memory() {
            @Override
            public boolean patchesApplied() {
                return state.motoPatched;
            }

            @Override
            public void patchesApplied(boolean applied) {
                state.motoPatched = applied;
            }

            @Override
            public boolean seeded() {
                // a sandbox seeded before the control plane existed is seeded again
                return state.aws != null && state.aws.controlPlane != null;
            }

            @Override
            public void seeded(AwsSeeder.AwsSeed seed) {
                SandboxState.AwsIds ids = new SandboxState.AwsIds();
                ids.vpcId = seed.vpcId();
                ids.privateSubnets = new ArrayList<>(seed.privateSubnets());
                ids.dbSecurityGroup = seed.dbSecurityGroup();
                ids.appSecurityGroup = seed.appSecurityGroup();
                ids.ipSetId = seed.ipSetId();
                ids.controlPlane = new LinkedHashMap<>(seed.controlPlane());
                synchronized (state) {
                    state.aws = ids;
                }
            }
        });
        // the agent needs moto's port, which is fixed before anything starts
        AgentProcess agent = new AgentProcess(dir, () -> Map.of(
                "AWS_ENDPOINT_URL", MotoServer.endpoint(state.server(MOTO).port),
                "AWS_REGION", SeedData.REGION,
                "AWS_ACCESS_KEY_ID", c.awsAccessKeyId,
                "AWS_SECRET_ACCESS_KEY", c.awsSecretAccessKey,
                "LK_KEY", c.lkKey,
                "LK_SECRET", c.lkSecret));
        List<SandboxComponent> all = List.of(moto, new RedisServer(dir), postgres(state), agent);
        if (!all.stream().map(SandboxComponent::name).toList().equals(COMPONENTS)) {
            throw new IllegalStateException("the sandbox's components are out of step with COMPONENTS");
        }
        return all;
    }

    private SandboxComponent component(SandboxState state, String name) {
        return components(state).stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no sandbox component " + name));
    }

    /**
     * The order {@code down} stops them in: a component before those it depends on (the agent
     * before moto), otherwise in {@link #COMPONENTS} order.
     */
    static List<SandboxComponent> stopOrder(List<SandboxComponent> components) {
        Map<String, Integer> depth = new LinkedHashMap<>();
        for (SandboxComponent c : components) depth(c.name(), components, depth, new HashSet<>());
        List<SandboxComponent> order = new ArrayList<>(components);
        order.sort(java.util.Comparator.comparing((SandboxComponent c) -> depth.get(c.name())).reversed());
        return order;
    }

    private static int depth(String name, List<SandboxComponent> components, Map<String, Integer> known, Set<String> visiting) {
        Integer cached = known.get(name);
        if (cached != null) return cached;
        if (!visiting.add(name)) throw new IllegalStateException("sandbox components depend on each other in a circle: " + visiting);
        int deepest = 0;
        for (SandboxComponent c : components) {
            if (!c.name().equals(name)) continue;
            for (String dependency : c.dependsOn()) deepest = Math.max(deepest, 1 + depth(dependency, components, known, visiting));
        }
        known.put(name, deepest);
        return deepest;
    }

    /** The log file of a component (moto, redis, postgres, agent). */
    public Path logFile(String component) {
        return component(SandboxState.load(stateFile()), component).log();
    }

    /** Starts whatever is not running, seeds what was started, writes the {@code local} environment. */
    public SandboxInfo up() {
        return up(line -> { });
    }

    /** {@link #up()}, reporting one line per component to {@code progress}. */
    public SandboxInfo up(Consumer<String> progress) {
        return locked(() -> ensure(progress, Set.of()));
    }

    /** Back to the seeded state; running servers are reseeded in place, missing ones started. */
    public SandboxInfo reset() {
        return reset(line -> { });
    }

    public SandboxInfo reset(Consumer<String> progress) {
        return locked(() -> ensure(progress, Set.copyOf(COMPONENTS)));
    }

    /**
     * Reseeds only {@code components} (names of {@link #COMPONENTS}), the others keep their state;
     * a drill that broke only Redis is healed in a fraction of a full reset. Missing servers are
     * started and seeded as by {@link #up()}.
     */
    public SandboxInfo reset(Set<String> components, Consumer<String> progress) {
        for (String name : components) {
            if (!COMPONENTS.contains(name)) throw new IllegalArgumentException("no sandbox component " + name);
        }
        return locked(() -> ensure(progress, Set.copyOf(components)));
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
            List<String> survivors = new ArrayList<>();
            for (SandboxComponent component : stopOrder(components(state))) {
                String name = component.name();
                SandboxState.Server server = state.servers.get(name);
                if (server != null && isOurs(component, server)) {
                    Processes.Stopped how = component.stop(server.pid, DOWN_GRACE);
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
        return atOnce(components(state), component -> {
            SandboxState.Server server = state.servers.get(component.name());
            int port = server == null ? 0 : server.port;
            boolean running = server != null && isOurs(component, server);
            boolean healthy = running && component.isHealthy(port);
            String detail = !running ? "not running"
                    : !healthy ? "running but not answering its health check (see " + component.log() + ")"
                    : component.healthDetail(port);
            return new ComponentStatus(component.name(), port <= 0 ? "-" : component.address(port), running ? server.pid : 0,
                    running, healthy, detail);
        });
    }

    /**
     * {@code check} of every component, each on a thread of its own (the checks wait on four
     * different servers), in the components' order.
     */
    private static <T> List<T> atOnce(List<SandboxComponent> components, Function<SandboxComponent, T> check) {
        ExecutorService pool = Executors.newFixedThreadPool(components.size(), r -> {
            Thread t = new Thread(r, "sandbox-check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> checks = new ArrayList<>();
            for (SandboxComponent component : components) checks.add(pool.submit(() -> check.apply(component)));
            List<T> out = new ArrayList<>();
            for (Future<T> c : checks) out.add(c.get());
            return out;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new SandboxException("Checking the sandbox failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while checking the sandbox", e);
        } finally {
            pool.shutdownNow();
        }
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

    /**
     * The operator {@code name} of this sandbox: an IAM user in moto with its own access key, made
     * when missing (idempotent; kept across {@link #reset()}), for a second shell or a test's second
     * process ({@link SandboxOperator#environment()}). A name IAM would refuse is an
     * {@link IllegalArgumentException}.
     */
    public SandboxOperator operator(String name) {
        if (!Operators.validName(name)) {
            throw new IllegalArgumentException("an operator's name is an IAM user name: letters, digits and +=,.@_- "
                    + "(at most 64, starting with a letter or digit), not '" + name + "'");
        }
        return locked(() -> {
            SandboxInfo info = info();
            try (AwsClients aws = new AwsClients(info.awsEndpoint(), info.region(), info.accessKeyId(), info.secretAccessKey())) {
                Operators.Operator op = new Operators(dir).ensure(aws.iam(), name);
                return new SandboxOperator(op.name(), op.arn(), op.accessKeyId(), op.secretAccessKey(), info);
            } catch (SandboxException | IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new SandboxException("Cannot make the operator " + name + " in moto (" + info.awsEndpoint() + "): " + e.getMessage(), e);
            }
        });
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

    private SandboxInfo ensure(Consumer<String> progress, Set<String> reseed) {
        SandboxState state = SandboxState.load(stateFile());
        List<SandboxComponent> components = components(state);
        try {
            checkPrerequisites(components);
            return ensure(state, components, progress, reseed);
        } finally {
            for (SandboxComponent component : components) component.close();
        }
    }

    private SandboxInfo ensure(SandboxState state, List<SandboxComponent> components, Consumer<String> progress, Set<String> reseed) {
        Map<String, Boolean> wasRunning = new LinkedHashMap<>();
        List<Boolean> answering = atOnce(components, component -> {
            SandboxState.Server server = state.servers.get(component.name());
            return server != null && isOurs(component, server) && component.isHealthy(server.port);
        });
        for (int i = 0; i < components.size(); i++) {
            SandboxComponent component = components.get(i);
            String name = component.name();
            SandboxState.Server server = state.servers.get(name);
            boolean ours = server != null && isOurs(component, server);
            boolean healthy = answering.get(i);
            if (ours && !healthy) {
                // ours but not answering: stop it rather than leave it behind a new one
                component.stop(server.pid, DOWN_GRACE);
                progress.accept(line(name, "was running (pid " + server.pid + ") but not answering; restarting it", -1));
            }
            // a PID that is not ours (exited, or recycled by another program) is never signalled
            if (server != null && !healthy) server.pid = 0;
            wasRunning.put(name, healthy);
        }
        for (SandboxComponent component : components) {
            // it keeps the address of what it was started against: restart it with the new one
            String restarted = component.dependsOn().stream().filter(d -> !wasRunning.get(d)).findFirst().orElse(null);
            if (restarted == null || !wasRunning.get(component.name())) continue;
            SandboxState.Server server = state.servers.get(component.name());
            component.stop(server.pid, DOWN_GRACE);
            server.pid = 0;
            deleteQuietly(pidFile(component.name()));
            wasRunning.put(component.name(), false);
            progress.accept(line(component.name(), "restarted with the new " + restarted, -1));
        }
        // ports first, one thread, so two servers never pick the same one
        Set<Integer> taken = new HashSet<>();
        for (SandboxComponent component : components) {
            SandboxState.Server server = state.server(component.name());
            if (wasRunning.get(component.name())) {
                taken.add(server.port);
                continue;
            }
            int port = Ports.rememberedOrFree(server.port);
            while (taken.contains(port)) port = Ports.pickFree();
            server.port = port;
            taken.add(port);
        }
        state.save(stateFile());
        Map<String, Boolean> willSeed = new LinkedHashMap<>();
        for (SandboxComponent component : components) {
            willSeed.put(component.name(), !wasRunning.get(component.name()) || reseed.contains(component.name()) || component.needsSeed());
        }
        for (SandboxComponent component : components) {
            String name = component.name();
            boolean othersSeed = willSeed.entrySet().stream().anyMatch(e -> !e.getKey().equals(name) && e.getValue());
            if (wasRunning.get(name) && othersSeed) component.pause(state.servers.get(name).port);
        }

        Set<String> startedNow = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(components.size(), r -> {
            Thread t = new Thread(r, "sandbox-up");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<Object> finished = new ExecutorCompletionService<>(pool);
            for (SandboxComponent component : components) {
                String name = component.name();
                finished.submit(() -> {
                    long t0 = System.nanoTime();
                    component.prepare(state.servers.get(name).port, willSeed.get(name));
                    if (!wasRunning.get(name)) {
                        start(component, state, progress);
                        startedNow.add(name);
                    }
                    int port = state.servers.get(name).port;
                    if (willSeed.get(name)) {
                        component.seed(port, startedNow.contains(name)).ifPresent(what -> progress.accept(line(name, what, t0)));
                    } else {
                        progress.accept(line(name, "running on " + component.address(port) + " (reused)", -1));
                    }
                    return null;
                });
            }
            SandboxException failure = null;
            // the first failure counts, whichever component it comes from
            for (int done = 0; done < components.size() && failure == null; done++) {
                try {
                    finished.take().get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    failure = cause instanceof SandboxException se ? se
                            : new SandboxException("Sandbox start-up failed: " + cause, cause);
                    // no point finishing the others: interrupt them and wait until they let go
                    pool.shutdownNow();
                    pool.awaitTermination(20, TimeUnit.SECONDS);
                }
            }
            if (failure != null) throw failure;
            for (SandboxComponent component : components) component.resume(state.servers.get(component.name()).port);
        } catch (RuntimeException e) {
            // everything this call started, including a server whose start was interrupted
            Set<String> started = new HashSet<>(startedNow);
            for (SandboxComponent component : components) {
                String name = component.name();
                if (wasRunning.get(name)) continue;
                SandboxState.Server server = state.servers.get(name);
                long stray = component.strayPid();
                if (server.pid <= 0 && stray > 0 && Processes.isRunning(stray)) server.pid = stray;
                if (server.pid > 0) started.add(name);
            }
            stopStarted(state, components, started);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while starting the sandbox", e);
        } finally {
            pool.shutdownNow();
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

    private void stopStarted(SandboxState state, List<SandboxComponent> components, Set<String> started) {
        for (SandboxComponent component : components) {
            SandboxState.Server server = state.servers.get(component.name());
            if (!started.contains(component.name()) || server == null || server.pid <= 0) continue;
            component.stop(server.pid, Duration.ofSeconds(3));
            server.pid = 0;
            deleteQuietly(pidFile(component.name()));
        }
        state.save(stateFile());
    }

    /**
     * Starts a component and waits until it answers, retrying on another port when its port was
     * taken in the meantime (the server's "Address already in use").
     */
    private void start(SandboxComponent component, SandboxState state, Consumer<String> progress) {
        long t0 = System.nanoTime();
        String name = component.name();
        SandboxState.Server server = state.server(name);
        for (int attempt = 1; ; attempt++) {
            int port = server.port;
            String outcome;
            String tail;
            try {
                long pid = component.start(port);
                record(state, name, port, pid);
                outcome = awaitReady(pid, port, component);
                if (outcome == null) {
                    progress.accept(line(name, "started on 127.0.0.1:" + port + " (pid " + pid + ")", t0));
                    return;
                }
                tail = Processes.tail(component.log(), 15);
                component.stop(pid, Duration.ofSeconds(3));
                server.pid = 0;
            } catch (SandboxException e) {
                if (attempt < START_ATTEMPTS && portTaken(e.logTail())) {
                    outcome = null;
                    tail = e.logTail();
                } else {
                    throw e;
                }
            }
            if (portTaken(tail) && attempt < START_ATTEMPTS) {
                server.port = Ports.pickFree();
                progress.accept(line(name, "port " + port + " was taken; trying " + server.port, -1));
                continue;
            }
            throw new SandboxException(name + " " + outcome + " (log: " + component.log() + ")", tail, null);
        }
    }

    private static boolean portTaken(String logTail) {
        return logTail != null && logTail.toLowerCase(Locale.ROOT).contains("address already in use");
    }

    /** Null when healthy; otherwise what went wrong. */
    private static String awaitReady(long pid, int port, SandboxComponent component) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (component.isHealthy(port)) return null;
            if (!Processes.isRunning(pid)) return "exited during start-up";
            sleep(40);
        }
        return "did not answer on port " + port + " within " + START_TIMEOUT.toSeconds() + " s";
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

    private PostgresCluster postgres(SandboxState state) {
        if (state.postgresRoot == null) state.postgresRoot = PostgresCluster.defaultRoot(opsHome).toString();
        SandboxState.Credentials c = state.credentials;
        return new PostgresCluster(Path.of(state.postgresRoot), opsHome,
                new PostgresCluster.Passwords(c.adminPassword, c.databasePassword, c.opsDatabasePassword, c.readDatabasePassword));
    }

    private static boolean isOurs(SandboxComponent component, SandboxState.Server server) {
        return server.pid > 0 && Processes.isOurs(server.pid, server.startedAt, component.commandMark());
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

    private static void checkPrerequisites(List<SandboxComponent> components) {
        List<String> missing = new ArrayList<>();
        for (SandboxComponent component : components) component.missingPrerequisite().ifPresent(missing::add);
        if (!missing.isEmpty()) {
            throw new SandboxException("The sandbox needs " + String.join(", ", missing) + "; install and run ops sandbox up again");
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
