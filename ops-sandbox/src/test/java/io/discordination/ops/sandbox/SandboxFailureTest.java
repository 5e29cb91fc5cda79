package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.process.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A server that cannot start: the error names it and shows its log; nothing of the attempt keeps running. */
class SandboxFailureTest {
    private Sandbox sandbox;
    private Path broken;

    @AfterEach
    void cleanUp() throws Exception {
        System.clearProperty("ops.sandbox.bin.redis-server");
        if (broken != null) Files.deleteIfExists(broken);
        if (sandbox != null) sandbox.destroy();
    }

    @Test
    void up_whenRedisFailsToStart_reportsItsLogTailAndStopsWhatItStarted() throws Exception {
        Path home = Files.createTempDirectory("ops-sandbox-failure-");
        broken = home.resolve("redis-server");
        Files.writeString(broken, "#!/bin/sh\necho 'FATAL: cannot allocate the keyspace (simulated)'\nexit 1\n");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwx------"));
        System.setProperty("ops.sandbox.bin.redis-server", broken.toString());
        sandbox = Sandbox.at(home);

        SandboxException failure = catchThrowableOfType(SandboxException.class, () -> sandbox.up());

        assertThat(failure.getMessage()).contains("redis exited during start-up", "cannot allocate the keyspace (simulated)");
        assertThat(failure.logTail()).contains("cannot allocate the keyspace");
        assertThat(sandbox.status()).allSatisfy(s -> assertThat(s.running()).as(s.name()).isFalse());
        assertThat(sandbox.environmentFile()).doesNotExist();
        assertThat(Processes.which("redis-server")).contains(broken);
    }
}
