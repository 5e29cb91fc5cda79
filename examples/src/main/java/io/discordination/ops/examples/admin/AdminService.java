package io.discordination.ops.examples.admin;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.Secret;
import io.discordination.ops.gate.Confirmer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An admin HTTP service that embeds the library: trust-and-safety tooling calls
 * {@code POST /accounts/<user-id>/lock-down} to run the compromised-account procedure
 * (invalidate sessions, force the WebSockets closed, disable the account) through one shared
 * {@link OpsContext}. Every effect lands in the environment's audit log like a runbook's.
 *
 * <p>The authenticated HTTP call is the confirmation, so the context approves destructive effects
 * itself ({@link Confirmer#approveAll()}); the caller must present the bearer token.
 *
 * <pre>{@code
 * try (OpsContext ops = OpsContext.builder().environment("prod").confirmer(Confirmer.approveAll()).build();
 *      AdminService admin = AdminService.start(ops, new InetSocketAddress("127.0.0.1", 8085), token)) { ... }
 * }</pre>
 */
public final class AdminService implements AutoCloseable {
    private static final Pattern ACCOUNT_PATH = Pattern.compile("^/accounts/([^/]+)(/lock-down)?$");

    private final HttpServer server;
    private final ExecutorService executor;
    private final OpsContext ops;
    private final byte[] token;

    private AdminService(HttpServer server, ExecutorService executor, OpsContext ops, Secret token) {
        this.server = server;
        this.executor = executor;
        this.ops = ops;
        this.token = token.reveal().getBytes(StandardCharsets.UTF_8);
    }

    /** Starts serving on {@code address} (port 0 picks a free one). The caller keeps owning {@code ops}. */
    public static AdminService start(OpsContext ops, InetSocketAddress address, Secret token) throws IOException {
        if (token.reveal().length() < 16) {
            throw new OpsException.InvalidInputException("The admin token must be at least 16 characters");
        }
        HttpServer server = HttpServer.create(address, 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        AdminService service = new AdminService(server, executor, ops, token);
        server.createContext("/accounts/", service::handle);
        server.setExecutor(executor);
        server.start();
        return service;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        // the catch replies on the same exchange, so it must run before the exchange closes
        try (exchange) {
            respond(exchange);
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        try {
            if (!authorized(exchange)) {
                reply(exchange, 401, Map.of("error", "missing or wrong bearer token"));
                return;
            }
            Matcher m = ACCOUNT_PATH.matcher(exchange.getRequestURI().getPath());
            if (!m.matches()) {
                reply(exchange, 404, Map.of("error", "no such endpoint"));
                return;
            }
            String userId = m.group(1);
            boolean lockDown = m.group(2) != null;
            String method = exchange.getRequestMethod();
            if (lockDown && method.equals("POST")) {
                reply(exchange, 200, ops.account(userId).lockDown());
            } else if (!lockDown && method.equals("GET")) {
                reply(exchange, 200, ops.account(userId).status());
            } else {
                reply(exchange, 405, Map.of("error", method + " is not allowed here"));
            }
        } catch (OpsException e) {
            int status = e instanceof OpsException.InvalidInputException ? 400
                    : e instanceof OpsException.NotFoundException ? 404 : 500;
            reply(exchange, status, Map.of("error", ops.redactor().redact(e.getMessage())));
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) return false;
        return MessageDigest.isEqual(token, header.substring(7).getBytes(StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    /**
     * Runs the service: {@code ADMIN_ENV} (default local), {@code ADMIN_PORT} (default 8085),
     * {@code ADMIN_TOKEN} (required).
     */
    public static void main(String[] args) throws Exception {
        String token = System.getenv("ADMIN_TOKEN");
        if (token == null || token.isBlank()) {
            System.err.println("admin: set ADMIN_TOKEN (at least 16 characters)");
            System.exit(2);
        }
        int port = Integer.parseInt(System.getenv().getOrDefault("ADMIN_PORT", "8085"));
        OpsContext ops = OpsContext.builder().environment(System.getenv().getOrDefault("ADMIN_ENV", "local"))
                .confirmer(Confirmer.approveAll()).build();
        AdminService admin = start(ops, new InetSocketAddress("127.0.0.1", port), Secret.of(token));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            admin.close();
            ops.close();
        }));
        System.err.println("admin: serving " + ops.environment().name() + " on http://127.0.0.1:" + admin.port());
    }
}
