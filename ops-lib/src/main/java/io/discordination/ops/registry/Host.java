package io.discordination.ops.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's host name, as leases and run records name it: {@code HOSTNAME}, else
 * {@code /etc/hostname}, else {@code COMPUTERNAME}, else {@code localhost}; never a DNS lookup, which
 * can take seconds on a laptop without a network.
 *
 * <pre>{@code String host = Host.name();}</pre>
 */
public final class Host {
    private static volatile String name;

    private Host() {
    }

    public static String name() {
        String n = name;
        if (n == null) name = n = lookUp();
        return n;
    }

    private static String lookUp() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env.trim();
        try {
            String file = Files.readString(Path.of("/etc/hostname")).trim();
            if (!file.isEmpty()) return file;
        } catch (IOException | RuntimeException absent) {
            // not Linux: try the next one
        }
        env = System.getenv("COMPUTERNAME");
        return env == null || env.isBlank() ? "localhost" : env.trim();
    }
}
