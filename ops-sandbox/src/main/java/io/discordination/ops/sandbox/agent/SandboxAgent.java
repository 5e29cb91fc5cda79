package io.discordination.ops.sandbox.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.discordination.ops.sandbox.aws.AwsClients;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.aws.EcsSimulator;
import io.discordination.ops.sandbox.aws.RotationFunctions;
import io.discordination.ops.sandbox.livekit.LiveKitEmulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The sandbox's own server process: the LiveKit emulator, the ECS simulator that keeps
 * service tasks running and plays one-off tasks (migrate, cleanup) against moto, and the Secrets
 * Manager rotation functions ({@link RotationFunctions}) that moto invokes. Started by
 * {@code ops sandbox up}; configured through environment variables so no secret shows in
 * {@code ps}. Sandbox-only endpoints under {@code /sandbox/}: {@code POST /sandbox/livekit/reset},
 * {@code POST /sandbox/ecs/pause}, {@code POST /sandbox/ecs/resume}, {@code GET /sandbox/status},
 * {@code POST /sandbox/livekit/unhealthy} and {@code POST /sandbox/livekit/strand} (drills),
 * {@code POST /sandbox/lambda/<function>} (a Lambda invocation: the event as JSON body).
 *
 * <pre>{@code SANDBOX_DIR=... SANDBOX_AGENT_PORT=7880 LK_KEY=... LK_SECRET=... AWS_ENDPOINT_URL=... java -cp ... io.discordination.ops.sandbox.agent.SandboxAgent}</pre>
 */
public final class SandboxAgent {
    private static final long TICK_MILLIS = 1000;

    private final AtomicBoolean ecsPaused = new AtomicBoolean(true);
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>("");

    public static void main(String[] args) throws IOException {
        new SandboxAgent().run();
    }

    private static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println("sandbox agent: environment variable " + name + " is not set");
            System.exit(2);
        }
        return value;
    }

    private void run() throws IOException {
        Path sandboxDir = Path.of(required("SANDBOX_DIR"));
        int port = Integer.parseInt(required("SANDBOX_AGENT_PORT"));
        Clock clock = Clock.systemUTC();
        LiveKitEmulator livekit = LiveKitEmulator.withSeededRooms(required("LK_KEY"), required("LK_SECRET"), clock);
        AwsClients aws = new AwsClients(required("AWS_ENDPOINT_URL"), System.getenv().getOrDefault("AWS_REGION", "us-east-1"),
                required("AWS_ACCESS_KEY_ID"), required("AWS_SECRET_ACCESS_KEY"));
        EcsSimulator ecs = new EcsSimulator(aws.ecs(), aws.logs(), aws.cloudWatch(), aws.s3(), sandboxDir, clock);
        RotationFunctions rotation = new RotationFunctions(aws.secrets(),
                () -> Sandbox.at(sandboxDir.getParent()).info().postgresPort(), SandboxAgent::log);

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "livekit-http");
            t.setDaemon(true);
            return t;
        }));
        livekit.register(server);
        server.createContext("/sandbox/lambda/", exchange -> lambdaInvocation(exchange, rotation));
        DrillHolds holds = new DrillHolds(() -> Sandbox.at(sandboxDir.getParent()).info(), SandboxAgent::log);
        server.createContext("/sandbox/drill/", exchange -> drillEndpoint(exchange, holds));
        server.createContext("/sandbox/", exchange -> sandboxEndpoint(exchange, livekit));
        server.start();
        log("listening on 127.0.0.1:" + port + " (LiveKit RoomService, /healthz, /sandbox/)");

        Thread loop = new Thread(() -> ecsLoop(ecs), "ecs-simulator");
        loop.setDaemon(true);
        loop.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            aws.close();
            log("stopped");
        }));
    }

    private void ecsLoop(EcsSimulator ecs) {
        String reported = "";
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (ecsPaused.get()) continue;
            try {
                ecs.tick();
                ticks.incrementAndGet();
                if (!reported.isEmpty()) log("ECS simulator recovered");
                reported = "";
                lastError.set("");
            } catch (RuntimeException e) {
                String message = e.getClass().getSimpleName() + ": " + e.getMessage();
                lastError.set(message);
                // a reset or a stopped moto makes every tick fail the same way: say it once
                if (!message.equals(reported)) log("ECS simulator: " + message);
                reported = message;
            }
        }
    }

    private void sandboxEndpoint(HttpExchange exchange, LiveKitEmulator livekit) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean post = "POST".equals(exchange.getRequestMethod());
            String reply;
            if (post && path.equals("/sandbox/livekit/reset")) {
                livekit.rooms().seed();
                livekit.healthy();
                reply = "{\"livekit\":\"seeded\"}";
            } else if (post && path.equals("/sandbox/livekit/unhealthy")) {
                // a drill: the node fails its health check with the reason in the body
                livekit.unhealthy(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).strip());
                reply = "{\"livekit\":\"unhealthy\"}";
            } else if (post && path.equals("/sandbox/livekit/strand")) {
                // a drill: {"room": ..., "identity": ..., "name": ...} left behind in the room
                var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(exchange.getRequestBody());
                livekit.rooms().strand(body.path("room").asText(), body.path("identity").asText(), body.path("name").asText());
                reply = "{\"livekit\":\"stranded\"}";
            } else if (post && path.equals("/sandbox/ecs/pause")) {
                ecsPaused.set(true);
                reply = "{\"ecs\":\"paused\"}";
            } else if (post && path.equals("/sandbox/ecs/resume")) {
                ecsPaused.set(false);
                reply = "{\"ecs\":\"running\"}";
            } else if (path.equals("/sandbox/status")) {
                reply = "{\"ecs\":\"" + (ecsPaused.get() ? "paused" : "running") + "\",\"ticks\":" + ticks.get()
                        + ",\"lastError\":\"" + lastError.get().replace("\\", "\\\\").replace("\"", "'") + "\"}";
            } else {
                byte[] body = "{\"code\":\"bad_route\",\"msg\":\"no such sandbox endpoint\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(404, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            byte[] body = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * What drills keep open here (see {@link DrillHolds}): {@code POST /sandbox/drill/postgres/hold?count=N&application=NAME},
     * {@code POST /sandbox/drill/gateway/subscribe?user=ID}, {@code POST /sandbox/drill/release}, {@code GET /sandbox/drill/status}.
     */
    private void drillEndpoint(HttpExchange exchange, DrillHolds holds) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            java.util.Map<String, String> query = new java.util.HashMap<>();
            String raw = exchange.getRequestURI().getQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) query.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            int status = 200;
            String reply;
            try {
                reply = switch (path) {
                    case "/sandbox/drill/postgres/hold" -> "{\"held\":" + holds.holdIdle(Integer.parseInt(query.getOrDefault("count", "1")),
                            query.getOrDefault("application", "drill")) + "}";
                    case "/sandbox/drill/gateway/subscribe" -> {
                        holds.subscribeGateway(java.util.UUID.fromString(query.getOrDefault("user", "")).toString());
                        yield "{\"subscribed\":true}";
                    }
                    case "/sandbox/drill/release" -> "{\"released\":" + holds.release() + "}";
                    case "/sandbox/drill/status" -> holds.status();
                    default -> {
                        status = 404;
                        yield "{\"code\":\"bad_route\",\"msg\":\"no such sandbox endpoint\"}";
                    }
                };
            } catch (Exception e) {
                status = 500;
                log("drill " + path + " failed: " + e.getMessage());
                reply = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                        .put("errorType", e.getClass().getSimpleName()).put("errorMessage", String.valueOf(e.getMessage())).toString();
            }
            byte[] body = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A rotation function's invocation: 200 when the step succeeded, 500 with the error (as Lambda's FunctionError) otherwise. */
    private void lambdaInvocation(HttpExchange exchange, RotationFunctions rotation) throws IOException {
        try (exchange) {
            String function = exchange.getRequestURI().getPath().substring("/sandbox/lambda/".length());
            int status = 200;
            String reply;
            try {
                com.fasterxml.jackson.databind.JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(exchange.getRequestBody());
                rotation.invoke(function, event.path("Step").asText(), event.path("SecretId").asText(),
                        event.path("ClientRequestToken").asText());
                reply = "{\"StatusCode\":200}";
            } catch (RuntimeException | IOException e) {
                status = 500;
                String message = String.valueOf(e.getMessage());
                log(function + " failed: " + message);
                reply = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                        .put("errorType", e.getClass().getSimpleName()).put("errorMessage", message).toString();
            }
            byte[] body = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void log(String message) {
        System.out.println(Instant.now() + " sandbox agent: " + message);
        System.out.flush();
    }
}
