package io.discordination.ops.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pub/sub subscriber speaking RESP over a plain socket, standing in for a gateway: independent of
 * the library's Redis client. It names its connection, subscribes, and reads messages.
 *
 * <pre>{@code try (Subscriber gateway = Subscriber.subscribe(port, "gateway-1", "user:" + id)) { gateway.awaitMessage(seconds(2)); }}</pre>
 */
public final class Subscriber implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    private Subscriber(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
    }

    public static Subscriber subscribe(int port, String clientName, String channel) {
        try {
            Subscriber s = new Subscriber(new Socket("127.0.0.1", port));
            OutputStream out = s.socket.getOutputStream();
            out.write(command("CLIENT", "SETNAME", clientName));
            out.write(command("SUBSCRIBE", channel));
            out.flush();
            s.socket.setSoTimeout(5000);
            s.readLine();                       // +OK from SETNAME
            s.readArray();                      // subscribe confirmation
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One connection named {@code clientName} subscribed to {@code count} channels
     * {@code prefix0 .. prefix(count-1)}, as a gateway holding one channel per online user: sent a
     * thousand channels per SUBSCRIBE, each confirmation read before it returns.
     */
    public static Subscriber subscribeMany(int port, String clientName, String prefix, int count) {
        try {
            Subscriber s = new Subscriber(new Socket("127.0.0.1", port));
            OutputStream out = new java.io.BufferedOutputStream(s.socket.getOutputStream(), 1 << 16);
            out.write(command("CLIENT", "SETNAME", clientName));
            out.flush();
            s.socket.setSoTimeout(60_000);
            s.readLine();
            for (int from = 0; from < count; from += 1000) {
                int to = Math.min(count, from + 1000);
                String[] args = new String[to - from + 1];
                args[0] = "SUBSCRIBE";
                for (int i = from; i < to; i++) args[i - from + 1] = prefix + i;
                out.write(command(args));
                out.flush();
                for (int i = from; i < to; i++) s.readArray();
            }
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next message's payload, or empty if none came within {@code timeout}. */
    public Optional<String> awaitMessage(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            List<String> reply = readArray();   // message, channel, payload
            return Optional.of(reply.get(2));
        } catch (SocketTimeoutException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> readArray() throws IOException {
        String header = readLine();
        if (!header.startsWith("*")) throw new IOException("expected an array, got " + header);
        int n = Integer.parseInt(header.substring(1));
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String item = readLine();
            if (item.startsWith("$")) {
                int len = Integer.parseInt(item.substring(1));
                byte[] data = in.readNBytes(len + 2);
                items.add(new String(data, 0, len, StandardCharsets.UTF_8));
            } else {
                items.add(item.substring(1));
            }
        }
        return items;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("connection closed");
            if (c != '\r') line.write(c);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    static byte[] command(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
