package io.discordination.ops.sandbox.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Loopback ports: which are free, and a free one to use.
 *
 * <pre>{@code int port = Ports.isFree(remembered) ? remembered : Ports.pickFree();}</pre>
 */
public final class Ports {
    private Ports() {
    }

    /** A port nothing listens on right now, on 127.0.0.1. */
    public static int pickFree() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free loopback port: " + e.getMessage(), e);
        }
    }

    /** True if {@code port} can be bound on 127.0.0.1 now (and nothing accepts connections on it). */
    public static boolean isFree(int port) {
        if (port <= 0 || port > 65535) return false;
        if (isListening(port)) return false;
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The remembered port if it is still free, else a fresh free one. */
    public static int rememberedOrFree(int remembered) {
        return remembered > 0 && isFree(remembered) ? remembered : pickFree();
    }

    /** True if something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
