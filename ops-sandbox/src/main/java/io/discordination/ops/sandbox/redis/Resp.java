package io.discordination.ops.sandbox.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal Redis client for seeding and health checks: pipelined commands over one socket, no
 * thread pools to start. Replies come back as String, Long, List or {@link Error}.
 *
 * <pre>{@code try (Resp redis = Resp.connect(port)) { redis.call("PING"); }}</pre>
 */
public final class Resp implements AutoCloseable {
    /** An error reply. */
    public record Error(String message) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private int pending;

    private Resp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    public static Resp connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        socket.setSoTimeout(30_000);
        return new Resp(socket);
    }

    /** Queues a command without waiting for its reply. */
    public void send(String... args) throws IOException {
        out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.write('\r');
            out.write('\n');
        }
        pending++;
    }

    /** Sends everything queued and reads all replies; the first error reply becomes an exception. */
    public List<Object> sync() throws IOException {
        out.flush();
        List<Object> replies = new ArrayList<>(pending);
        for (; pending > 0; pending--) replies.add(read());
        for (Object reply : replies) {
            if (reply instanceof Error e) throw new IOException("redis: " + e.message());
        }
        return replies;
    }

    /** Sends one command and returns its reply. */
    public Object call(String... args) throws IOException {
        send(args);
        List<Object> replies = sync();
        return replies.get(replies.size() - 1);
    }

    private Object read() throws IOException {
        int type = in.read();
        if (type < 0) throw new IOException("redis closed the connection");
        String line = readLine();
        switch (type) {
            case '+':
                return line;
            case '-':
                return new Error(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) return null;
                byte[] data = in.readNBytes(length);
                in.readNBytes(2);
                return new String(data, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) return null;
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) items.add(read());
                return items;
            }
            default:
                throw new IOException("unexpected redis reply type '" + (char) type + "'");
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) throw new IOException("redis closed the connection");
            line.write(c);
        }
        in.read();
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
