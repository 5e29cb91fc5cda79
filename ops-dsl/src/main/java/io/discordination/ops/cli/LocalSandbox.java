package io.discordination.ops.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Starts the local sandbox for commands that need the {@code local} environment and find it down. */
final class LocalSandbox {
    private LocalSandbox() {
    }

    static void ensureUp(Path opsHome, PrintWriter err) {
        // filled in once the sandbox's API is there
    }
}
