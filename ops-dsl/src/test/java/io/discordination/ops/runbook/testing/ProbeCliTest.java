package io.discordination.ops.runbook.testing;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Base of the tests that run the test runbooks through the {@code ops} command line against the
 * probe environment (no sandbox): a fresh OPS_HOME, the probe's environment file and its folder of
 * files, which the runbooks write and a test reads as the independent check.
 */
public abstract class ProbeCliTest {
    @TempDir
    protected Path tmp;

    protected Cli cli;
    protected Path env;
    protected Path probeDir;

    @BeforeEach
    void openProbeCli() throws IOException {
        cli = new Cli(Files.createDirectories(tmp.resolve("home")), Cli.projectRoot());
        env = Cli.probeEnvironment(tmp);
        probeDir = tmp.resolve("probe");
    }
}
