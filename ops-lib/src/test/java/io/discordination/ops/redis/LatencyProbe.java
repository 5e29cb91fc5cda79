package io.discordination.ops.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A concurrent client for benchmarks, in a process of its own (so that our own JVM's pauses do
 * not count as the server's): sends {@code GET <key>} one at a time over one connection until its
 * standard input closes, then prints the count and the latency percentiles in microseconds:
 * {@code count p50 p99 p999 max}.
 *
 * <pre>{@code java -cp ... io.discordination.ops.redis.LatencyProbe 6379 rl:1}</pre>
 */
public final class LatencyProbe {
    private LatencyProbe() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] key = args[1].getBytes(StandardCharsets.UTF_8);
        byte[] request = ("*2\r\n$3\r\nGET\r\n$" + key.length + "\r\n" + args[1] + "\r\n").getBytes(StandardCharsets.UTF_8);
        long[] samples = new long[1 << 16];
        int n = 0;
        Thread stdinWatcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // wait for end of input
                }
            } catch (IOException ignored) {
                // closed
            }
        });
        stdinWatcher.setDaemon(true);
        stdinWatcher.start();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            System.out.println("ready");
            System.out.flush();
            while (stdinWatcher.isAlive()) {
                long start = System.nanoTime();
                out.write(request);
                out.flush();
                readReply(in, buf);
                long micros = (System.nanoTime() - start) / 1000;
                if (n == samples.length) samples = Arrays.copyOf(samples, n * 2);
                samples[n++] = micros;
                // a steady, modest rate: a real client, not a load generator
                long pause = 200_000 - (System.nanoTime() - start);
                if (pause > 0) java.util.concurrent.locks.LockSupport.parkNanos(pause);
            }
        }
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        System.out.println(String.format(Locale.ROOT, "%d %d %d %d %d", n, pct(s, 0.50), pct(s, 0.99), pct(s, 0.999),
                n == 0 ? 0 : s[n - 1]));
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** Reads one RESP reply: a bulk string ({@code $n}, {@code $-1}) or a one-line reply. */
    private static void readReply(InputStream in, byte[] buf) throws IOException {
        StringBuilder header = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("closed");
            header.append((char) c);
        }
        if (header.charAt(0) == '$') {
            int len = Integer.parseInt(header.substring(1).trim());
            if (len >= 0) {
                int remaining = len + 2;
                while (remaining > 0) {
                    int r = in.read(buf, 0, Math.min(buf.length, remaining));
                    if (r < 0) throw new IOException("closed");
                    remaining -= r;
                }
            }
        }
    }
}
