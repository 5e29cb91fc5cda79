package io.discordination.ops.runbook;

import io.discordination.ops.OpsException;
import io.discordination.ops.gate.LockFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A run's lock: {@code OPS_HOME/locks/run-<run-id>.lock}, held by the process that runs it, and by
 * the process that resumes it for as long as the resumed run goes on. So a run that is still going,
 * or is being resumed, cannot be resumed a second time at once. The operating system releases the
 * lock when the process dies (even by SIGKILL), so a killed run can be resumed straight away.
 *
 * <pre>{@code try (RunLock lock = RunLock.acquire(home, runId, "resume of " + runId)) { ... }}</pre>
 */
public final class RunLock implements AutoCloseable {
    private final LockFile lock;

    private RunLock(LockFile lock) {
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code runId}, writing {@code holder} (what holds it) into the file for whoever
     * finds it taken; refuses (exit 3) when another process, or another run in this one, holds it.
     */
    public static RunLock acquire(Path opsHome, String runId, String holder) {
        Path file = opsHome.resolve("locks").resolve("run-" + Journal.fileOf(opsHome, runId).getFileName().toString()
                .replaceFirst("\\.jsonl$", "") + ".lock");
        try {
            LockFile lock = LockFile.tryTake(file, holder + ", pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n");
            if (lock == null) {
                String by = LockFile.holderOf(file);
                throw OpsException.builder("run " + runId + " is in progress right now" + (by.isEmpty() ? "" : " (" + by + ")")
                                + "; a run is run or resumed by one process at a time")
                        .hint("wait until it ends, then resume it if it failed; nothing was changed").refused();
            }
            return new RunLock(lock);
        } catch (IOException e) {
            throw OpsException.builder("Cannot lock run " + runId + " (" + file + "): " + e.getMessage())
                    .hint("check that OPS_HOME is writable").cause(e).build();
        }
    }

    @Override
    public void close() {
        lock.close();
    }
}
