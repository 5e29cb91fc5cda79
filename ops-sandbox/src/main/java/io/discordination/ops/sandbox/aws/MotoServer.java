package io.discordination.ops.sandbox.aws;

import io.discordination.ops.sandbox.SandboxComponent;
import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.process.Processes;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The AWS emulator: {@code moto_server} on a loopback port, with the sandbox's fixes for the
 * behaviour runbooks can see (loaded through {@code PYTHONPATH}, see sitecustomize.py), seeded by
 * {@link AwsSeeder} with production's names.
 *
 * <pre>{@code MotoServer moto = new MotoServer(sandboxDir, seeding, memory); long pid = moto.start(port); moto.seed(port, true);}</pre>
 */
public final class MotoServer implements SandboxComponent {
    /** Fixes moto's random ids, so every reset gives the same VPC, subnet and IP set ids. */
    private static final long RANDOM_SEED = 20261129L;
    /** The patches the control plane and the operators need; a moto started by an older ops lacks them. */
    private static final String CONTROL_PLANE_PATCHES = "cloudformation-control-plane, iam-operator-keys";
    private static final String TASK_TRANSITION =
            "{\"model_name\":\"ecs::task\",\"transition\":{\"progression\":\"manual\",\"times\":1000000000}}";

    /** The account the seed writes into and the database password it keeps in Secrets Manager. */
    public record Seeding(String region, String accessKeyId, String secretAccessKey, String databasePassword) {
        @Override
        public String toString() {
            return "Seeding[region=" + region + ", accessKeyId=" + accessKeyId + "]";
        }
    }

    /** What the sandbox remembers of moto between commands (in sandbox.json). */
    public interface Memory {
        /** Whether the running moto loaded the sandbox's fixes, as its log said when it started. */
        boolean patchesApplied();

        void patchesApplied(boolean applied);

        /** Whether moto was seeded since it started (the seeded ids are known). */
        boolean seeded();

        void seeded(AwsSeeder.AwsSeed seed);
    }

    private final Path sandboxDir;
    private final Seeding seeding;
    private final Memory memory;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private AwsClients aws;
    private CompletableFuture<Void> warm = CompletableFuture.completedFuture(null);

    public MotoServer(Path sandboxDir, Seeding seeding, Memory memory) {
        this.sandboxDir = sandboxDir;
        this.seeding = seeding;
        this.memory = memory;
    }

    @Override
    public String name() {
        return "moto";
    }

    @Override
    public String commandMark() {
        return "moto_server";
    }

    @Override
    public Path log() {
        return sandboxDir.resolve("logs").resolve("moto.log");
    }

    @Override
    public String address(int port) {
        return endpoint(port);
    }

    @Override
    public Optional<String> missingPrerequisite() {
        return Processes.which("moto_server").isPresent() ? Optional.empty()
                : Optional.of("moto_server (pip install 'moto[server]==5.2.1')");
    }

    @Override
    public boolean needsSeed() {
        return !memory.seeded();
    }

    /** The SDK clients are built and warmed up while moto starts, to overlap their class loading with it. */
    @Override
    public synchronized void prepare(int port, boolean willSeed) {
        if (!willSeed) return;
        aws = new AwsClients(endpoint(port), seeding.region(), seeding.accessKeyId(), seeding.secretAccessKey());
        AwsClients clients = aws;
        warm = CompletableFuture.runAsync(clients::warmUp);
    }

    /** Starts moto_server on {@code port}; returns its PID. */
    @Override
    public long start(int port) {
        Processes.appendMarker(log(), name() + " starting on 127.0.0.1:" + port);
        Path executable = Processes.which("moto_server").orElseThrow(() -> new SandboxException(
                "moto_server is not installed: install it with  pip install 'moto[server]==5.2.1'"));
        Path patches = writePatches();
        String pythonPath = System.getenv("PYTHONPATH");
        Map<String, String> env = Map.of(
                "PYTHONPATH", pythonPath == null || pythonPath.isBlank() ? patches.toString() : patches + ":" + pythonPath,
                "PYTHONUNBUFFERED", "1",
                // the rotation patch finds the sandbox agent (the rotation functions) through sandbox.json here
                "SANDBOX_DIR", sandboxDir.toString(),
                "PYTHONDONTWRITEBYTECODE", "1");
        return Processes.startDetached(List.of(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port)), log(), env);
    }

    private Path writePatches() {
        Path dir = sandboxDir.resolve("moto-patches");
        try (InputStream in = MotoServer.class.getResourceAsStream("sitecustomize.py")) {
            if (in == null) throw new SandboxException("sitecustomize.py is missing from the ops-sandbox jar");
            Files.createDirectories(dir);
            Files.write(dir.resolve("sitecustomize.py"), in.readAllBytes());
            return dir;
        } catch (IOException e) {
            throw new SandboxException("Cannot write moto's patches to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** True if moto answers on {@code port}. */
    @Override
    public boolean isHealthy(int port) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create(endpoint(port) + "/moto-api/state-manager/get-transition?model_name=ecs::task"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True if moto's log says the sandbox's fixes were loaded by the moto started last. */
    public boolean patchesApplied() {
        String tail = Processes.tail(log(), 2000);
        int start = tail.lastIndexOf("=== ");
        String run = start < 0 ? tail : tail.substring(start);
        return run.contains("sandbox: moto patches applied: ecs-service-steady-state, ecs-tasks, rds-snapshot-times")
                && run.contains("secretsmanager-rotation")
                && run.contains("logs-insights, logs-throttling, s3-storage-metrics")
                && run.contains(CONTROL_PLANE_PATCHES)
                && !run.contains("NOT applied");
    }

    @Override
    public String healthDetail(int port) {
        return "AWS emulator" + (memory.patchesApplied() ? "" : " (WITHOUT the sandbox's fixes: ECS is not realistic)");
    }

    /**
     * Empties moto (unless it was just started), seeds its random ids and the AWS resources, and
     * lets the ECS services reach their running tasks.
     */
    @Override
    public Optional<String> seed(int port, boolean justStarted) {
        if (justStarted) memory.patchesApplied(patchesApplied());
        if (!memory.patchesApplied()) {
            throw new SandboxException("moto started without the sandbox's fixes (see " + log()
                    + "); the sandbox needs moto 5.2.1: pip install 'moto[server]==5.2.1'", Processes.tail(log(), 15), null);
        }
        AwsClients clients;
        synchronized (this) {
            if (aws == null) prepare(port, true);
            clients = aws;
        }
        warm.join();
        if (!justStarted && !patchesApplied()) {
            throw new SandboxException("the running moto was started by an older ops, without the control plane's fixes;"
                    + " restart it: ops sandbox down && ops sandbox up");
        }
        if (!justStarted) resetState(port);
        prepareForSeeding(port);
        try {
            AwsSeeder.AwsSeed seed = new AwsSeeder(clients, seeding.databasePassword(), Clock.systemUTC()).seed();
            new EcsSimulator(clients.ecs(), clients.logs(), sandboxDir, Clock.systemUTC()).reconcileServices();
            new Operators(sandboxDir).restore(clients.iam());
            memory.seeded(seed);
        } catch (SandboxException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SandboxException("Seeding moto failed: " + e.getMessage(), Processes.tail(log(), 15), e);
        }
        return Optional.of("seeded (ECS, logs, RDS, metrics, S3, WAF, secrets, control plane)");
    }

    @Override
    public synchronized void close() {
        if (aws != null) aws.close();
        aws = null;
    }

    public static String endpoint(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** Forgets every resource (moto's own reset endpoint). */
    public void resetState(int port) {
        post(port, "/moto-api/reset", "");
    }

    /** Makes ids repeatable and keeps ECS tasks in the state the sandbox puts them in. */
    public void prepareForSeeding(int port) {
        post(port, "/moto-api/seed?a=" + RANDOM_SEED, "");
        post(port, "/moto-api/state-manager/set-transition", TASK_TRANSITION);
    }

    private void post(int port, String path, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint(port) + path))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new SandboxException("moto answered " + response.statusCode() + " to POST " + path + ": " + response.body());
            }
        } catch (IOException e) {
            throw new SandboxException("moto did not answer POST " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted", e);
        }
    }
}
