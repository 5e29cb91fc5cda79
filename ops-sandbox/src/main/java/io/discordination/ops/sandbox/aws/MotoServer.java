package io.discordination.ops.sandbox.aws;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The AWS emulator: {@code moto_server} on a loopback port, with the sandbox's fixes for the
 * behaviour runbooks can see (loaded through {@code PYTHONPATH}, see sitecustomize.py).
 *
 * <pre>{@code MotoServer moto = new MotoServer(sandboxDir); long pid = moto.start(port); moto.awaitReady(port, pid, timeout);}</pre>
 */
public final class MotoServer {
    /** Fixes moto's random ids, so every reset gives the same VPC, subnet and IP set ids. */
    private static final long RANDOM_SEED = 20261129L;
    private static final String TASK_TRANSITION =
            "{\"model_name\":\"ecs::task\",\"transition\":{\"progression\":\"manual\",\"times\":1000000000}}";

    private final Path sandboxDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public MotoServer(Path sandboxDir) {
        this.sandboxDir = sandboxDir;
    }

    public Path log() {
        return sandboxDir.resolve("logs").resolve("moto.log");
    }

    /** Starts moto_server on {@code port}; returns its PID. */
    public long start(int port) {
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
                && !run.contains("NOT applied");
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
