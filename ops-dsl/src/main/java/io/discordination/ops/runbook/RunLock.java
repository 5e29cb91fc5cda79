package io.discordination.ops.runbook;

import io.discordination.ops.OpsException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code runId}, writing {@code holder} (what holds it) into the file for whoever
     * finds it taken; refuses (exit 3) when another process, or another run in this one, holds it.
     */
    public static RunLock acquire(Path opsHome, String runId, String holder) {
        Path file = opsHome.resolve("locks").resolve("run-" + Journal.fileOf(opsHome, runId).getFileName().toString()
                .replaceFirst("\\.jsonl$", "") + ".lock");
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException inThisProcess) {
                lock = null;
            }
            if (lock == null) {
                String by = Files.readString(file, StandardCharsets.UTF_8).trim();
                channel.close();
                throw OpsException.builder("run " + runId + " is in progress right now" + (by.isEmpty() ? "" : " (" + by + ")")
                                + "; a run is run or resumed by one process at a time")
                        .hint("wait until it ends, then resume it if it failed; nothing was changed").refused();
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((holder + ", pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new RunLock(channel, lock);
        } catch (IOException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the open failure is what matters
                }
            }
            throw OpsException.builder("Cannot lock run " + runId + " (" + file + "): " + e.getMessage())
                    .hint("check that OPS_HOME is writable").cause(e).build();
        }
    }

    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the channel, and the channel with the process
        }
    }
}
