package io.discordination.ops.sandbox.junit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * An HTTP proxy in front of the sandbox's moto that a test can cut, so that a run meets an AWS
 * service that stops answering without the shared sandbox being stopped. Each request gets its
 * own upstream connection ({@code Connection: close}), so a cut takes effect at the next request;
 * a cut request's connection is closed unanswered, as a server that went away would.
 *
 * <pre>{@code
 * try (CuttableProxy proxy = CuttableProxy.to(info.awsEndpoint())) {
 *     String endpoint = proxy.endpoint();      // aws.endpoint of the test's environment
 *     proxy.cut(CuttableProxy.CLOUDWATCH_LOGS); // every CloudWatch Logs call now fails
 *     proxy.restore();
 * }
 * }</pre>
 */
public final class CuttableProxy implements AutoCloseable {
    /** Requests to CloudWatch Logs (their {@code X-Amz-Target} is {@code Logs_20140328.<Action>}). */
    public static final Predicate<String> CLOUDWATCH_LOGS = headers -> headers.contains("\nx-amz-target: logs_");
    /** Every request. */
    public static final Predicate<String> EVERYTHING = headers -> true;

    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Predicate<String> cut = headers -> false;

    private CuttableProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread accept = new Thread(this::accept, "cuttable-proxy-" + server.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    /** A proxy on a free loopback port to {@code endpoint} ({@code http://127.0.0.1:PORT}). */
    public static CuttableProxy to(String endpoint) {
        URI uri = URI.create(endpoint);
        try {
            return new CuttableProxy(uri.getHost(), uri.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy's endpoint, for {@code aws.endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** From now on, requests whose header block (lower case) matches {@code requests} get no answer. */
    public void cut(Predicate<String> requests) {
        this.cut = requests;
        for (Socket s : open) close(s);
    }

    /** Every request goes through again. */
    public void restore() {
        this.cut = headers -> false;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) close(s);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread t = new Thread(() -> serve(client), "cuttable-proxy-request");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; Socket upstream = new Socket()) {
            InputStream in = client.getInputStream();
            byte[] head = readHead(in);
            if (head == null) return;
            String headers = new String(head, StandardCharsets.ISO_8859_1);
            if (cut.test("\n" + headers.toLowerCase(Locale.ROOT))) return; // closed unanswered
            upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5000);
            open.add(upstream);
            OutputStream up = upstream.getOutputStream();
            up.write(oneRequestOnly(headers).getBytes(StandardCharsets.ISO_8859_1));
            up.flush();
            Thread body = new Thread(() -> pipe(in, up), "cuttable-proxy-body");
            body.setDaemon(true);
            body.start();
            pipe(upstream.getInputStream(), client.getOutputStream());
        } catch (IOException ignored) {
            // the client or moto went away: so does this request
        } finally {
            open.remove(client);
        }
        open.removeIf(Socket::isClosed);
    }

    /** The header block up to and including the blank line, or null when the client sent none. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < 64 * 1024) {
            int b = in.read();
            if (b < 0) return null;
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) return head.toByteArray();
        }
        return null;
    }

    /** The headers with {@code Connection: close}: moto closes after its answer, and the client opens a new connection. */
    private static String oneRequestOnly(String headers) {
        StringBuilder sb = new StringBuilder();
        for (String line : headers.split("\r\n")) {
            if (line.isEmpty() || line.toLowerCase(Locale.ROOT).startsWith("connection:")) continue;
            sb.append(line).append("\r\n");
        }
        return sb.append("Connection: close\r\n\r\n").toString();
    }

    private static void pipe(InputStream from, OutputStream to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            int n;
            while ((n = from.read(buffer)) > 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException ignored) {
            // one side closed
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
