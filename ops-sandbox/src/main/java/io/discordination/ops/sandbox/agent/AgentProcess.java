package io.discordination.ops.sandbox.agent;

import io.discordination.ops.sandbox.SandboxComponent;
import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.process.Processes;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Starts and talks to the {@link SandboxAgent} process: a JVM on this JVM's class path that hosts
 * the LiveKit emulator (its health check is the emulator's {@code /healthz}, its seed the emulator's
 * rooms), the ECS simulator and the rotation functions.
 *
 * <pre>{@code long pid = new AgentProcess(sandboxDir, () -> environment).start(port);}</pre>
 */
public final class AgentProcess implements SandboxComponent {
    /** The agent acts on moto (ECS simulator, rotation functions) at the address it was started with. */
    private static final String MOTO = "moto";

    private final Path sandboxDir;
    private final Supplier<Map<String, String>> environment;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code environment} gives the agent's settings when it starts (see {@link SandboxAgent}): moto's address is known only then. */
    public AgentProcess(Path sandboxDir, Supplier<Map<String, String>> environment) {
        this.sandboxDir = sandboxDir;
        this.environment = environment;
    }

    @Override
    public String name() {
        return "agent";
    }

    @Override
    public String commandMark() {
        return "SandboxAgent";
    }

    @Override
    public Path log() {
        return sandboxDir.resolve("logs").resolve("agent.log");
    }

    @Override
    public String address(int port) {
        return url(port);
    }

    @Override
    public List<String> dependsOn() {
        return List.of(MOTO);
    }

    /** Starts the agent on {@code port}. */
    @Override
    public long start(int port) {
        Processes.appendMarker(log(), name() + " starting on 127.0.0.1:" + port);
        String java = ProcessHandle.current().info().command()
                .filter(c -> c.endsWith("/java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = List.of(java, "-Xmx128m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dsandbox.agent=true", "-cp", classPath(), SandboxAgent.class.getName());
        Map<String, String> env = new java.util.HashMap<>(environment.get());
        env.put("SANDBOX_DIR", sandboxDir.toString());
        env.put("SANDBOX_AGENT_PORT", Integer.toString(port));
        return Processes.startDetached(command, log(), env);
    }

    /**
     * This JVM's class path with manifest-only jars opened up (Maven Surefire and {@code java -jar}
     * put the real entries in a jar's Class-Path), so the agent finds the same classes. Build
     * output (class folders, SNAPSHOT jars, the manifest jar) is copied to
     * {@code OPS_HOME/sandbox/agent-classpath} first: a rebuild while the agent runs rewrites
     * those files in place, which would break a JVM that still loads classes from them.
     */
    String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path path = Path.of(entry).toAbsolutePath();
            entries.add(path.toString());
            if (entry.endsWith(".jar") && Files.isRegularFile(path)) entries.addAll(manifestClassPath(path));
        }
        if (entries.isEmpty()) throw new SandboxException("Cannot find this program's class path to start the sandbox agent");
        Path copies = sandboxDir.resolve("agent-classpath");
        List<String> out = new ArrayList<>();
        try {
            deleteTree(copies);
            Files.createDirectories(copies);
            int n = 0;
            for (String entry : entries) {
                Path path = Path.of(entry);
                String name = path.getFileName() == null ? "" : path.getFileName().toString();
                boolean file = Files.isRegularFile(path);
                boolean snapshotJar = file && name.contains("SNAPSHOT");
                boolean inBuildFolder = entry.matches(".*/target[^/]*/.*");
                boolean releaseDependency = file && !snapshotJar && path.getParent() != null
                        && path.getParent().getFileName().toString().equals("lib");
                if (!Files.exists(path) || !(snapshotJar || (inBuildFolder && !releaseDependency))) {
                    out.add(entry);
                    continue;
                }
                Path copy = copies.resolve((n++) + "-" + path.getFileName());
                copyTree(path, copy);
                out.add(copy.toString());
            }
        } catch (IOException e) {
            throw new SandboxException("Cannot copy the sandbox agent's classes to " + copies + ": " + e.getMessage(), e);
        }
        return String.join(File.pathSeparator, out);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (Files.isRegularFile(from)) {
            Files.copy(from, to);
            return;
        }
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static List<String> manifestClassPath(Path jar) {
        List<String> out = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) return out;
            for (String item : classPath.trim().split("\\s+")) {
                if (item.isEmpty()) continue;
                Path resolved = item.startsWith("file:") ? Path.of(URI.create(item)) : jar.getParent().resolve(item.replace("%20", " "));
                out.add(resolved.normalize().toString());
            }
        } catch (IOException | IllegalArgumentException e) {
            // not a readable jar: keep the entry as it is
        }
        return out;
    }

    public static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    /** The LiveKit emulator's {@code /healthz} answers {@code OK}. */
    @Override
    public boolean isHealthy(int port) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(port) + "/healthz"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().trim().equals("OK");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String healthDetail(int port) {
        String ecs;
        try {
            ecs = get(port, "/sandbox/status");
        } catch (SandboxException e) {
            ecs = "status unknown";
        }
        return "LiveKit emulator /healthz OK; ECS simulator " + ecs;
    }

    /** A fresh agent has its rooms seeded already; a running one gets them back. */
    @Override
    public Optional<String> seed(int port, boolean justStarted) {
        if (justStarted) return Optional.empty();
        post(port, "/sandbox/livekit/reset");
        // sessions and subscriptions a drill's break left open end with the reset
        post(port, "/sandbox/drill/release");
        return Optional.of("LiveKit rooms reseeded");
    }

    /** The ECS simulator must not act while moto is emptied and seeded (ids would shift). */
    @Override
    public void pause(int port) {
        post(port, "/sandbox/ecs/pause");
    }

    /** The ECS simulator acts only on a seeded moto; a new agent starts paused. */
    @Override
    public void resume(int port) {
        post(port, "/sandbox/ecs/resume");
    }

    /** Calls a sandbox-only endpoint, e.g. {@code /sandbox/ecs/resume}; returns the reply body. */
    public String post(int port, String path) {
        return send(port, path, true);
    }

    public String get(int port, String path) {
        return send(port, path, false);
    }

    private String send(int port, String path, boolean post) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(port) + path)).timeout(Duration.ofSeconds(10));
            HttpResponse<String> response = http.send(post ? request.POST(HttpRequest.BodyPublishers.noBody()).build() : request.GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new SandboxException("The sandbox agent answered " + response.statusCode() + " to " + path + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new SandboxException("The sandbox agent did not answer " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted", e);
        }
    }
}
