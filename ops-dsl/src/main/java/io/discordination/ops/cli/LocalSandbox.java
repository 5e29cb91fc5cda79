package io.discordination.ops.cli;

import io.discordination.ops.OpsPaths;
import io.discordination.ops.sandbox.Sandbox;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the local sandbox for commands that use the {@code local} environment and find it not
 * set up, so that the README's first command works on a fresh machine. One line on stderr says so.
 * A sandbox whose environment file exists is taken as up (checking every server's health would
 * cost each command a few hundred milliseconds); {@code ops sandbox status} checks it.
 */
final class LocalSandbox {
    private LocalSandbox() {
    }

    static void ensureUp(Path opsHome, PrintWriter err) {
        if (Files.isRegularFile(OpsPaths.sandboxEnvironment(opsHome))) return;
        err.println("ops: the local sandbox is not running; starting it in " + opsHome.resolve("sandbox") + " (ops sandbox down stops it)");
        err.flush();
        Sandbox.at(opsHome).up();
    }
}
