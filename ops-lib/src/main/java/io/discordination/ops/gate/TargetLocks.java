package io.discordination.ops.gate;

import io.discordination.ops.OpsException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * One lock per target of an effect ({@code OPS_HOME/locks/target-<hash>.lock}, the hash of the
 * environment, system and target), held while the {@link Gate} performs the effect: two runs on
 * one machine never change one target (a secret, a service, an IP set) at the same time. The
 * second is refused with the holder's run id, rather than made to wait and then repeat what the
 * first just did (two rotations in a row). One run may take a target it already holds again (an
 * effect inside another). The operating system drops the lock of a process that dies.
 *
 * <pre>{@code try (TargetLocks.Held held = locks.acquire("prod", effect, runId)) { ... }}</pre>
 */
public final class TargetLocks {
    /** A lock taken; closing it releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** What this process holds: the OS lock is per process, so threads of one process meet here. */
    private static final class Holder {
        final String runId;
        final LockFile lock;
        int count = 1;

        Holder(String runId, LockFile lock) {
            this.runId = runId;
            this.lock = lock;
        }
    }

    private static final Map<Path, Holder> HELD_HERE = new HashMap<>();

    private final Path directory;

    public TargetLocks(Path directory) {
        this.directory = directory;
    }

    /** The locks under {@code OPS_HOME/locks}. */
    public static TargetLocks under(Path opsHome) {
        return new TargetLocks(opsHome.resolve("locks"));
    }

    /**
     * Takes the lock of {@code effect}'s target in {@code environment} for run {@code runId}; throws a
     * {@link OpsException.RefusedException} naming the run that holds it when another run does.
     */
    public Held acquire(String environment, Effect effect, String runId) {
        Path file = directory.resolve("target-" + hash(environment + "\n" + effect.system() + "\n" + effect.target()) + ".lock");
        synchronized (HELD_HERE) {
            Holder mine = HELD_HERE.get(file);
            if (mine != null) {
                if (mine.runId != null && mine.runId.equals(runId)) {
                    mine.count++;
                    return () -> release(file);
                }
                throw busy(effect, LockFile.holderOf(file));
            }
            try {
                LockFile lock = LockFile.tryTake(file, "run " + runId + " (" + effect.summary() + ", pid "
                        + ProcessHandle.current().pid() + ", since " + Instant.now() + ")");
                if (lock == null) throw busy(effect, LockFile.holderOf(file));
                HELD_HERE.put(file, new Holder(runId, lock));
                return () -> release(file);
            } catch (IOException e) {
                throw OpsException.builder("Cannot lock the target of " + effect.summary() + " (" + file + "): " + e.getMessage())
                        .hint("check that OPS_HOME is writable; nothing was changed").cause(e).build();
            }
        }
    }

    private static void release(Path file) {
        synchronized (HELD_HERE) {
            Holder h = HELD_HERE.get(file);
            if (h == null || --h.count > 0) return;
            HELD_HERE.remove(file);
            h.lock.close();
        }
    }

    private static OpsException busy(Effect effect, String holder) {
        return OpsException.builder("Refused: " + effect.summary() + ": " + (holder.isEmpty() ? "another run" : holder)
                        + " is changing the same target right now; two runs never change one target at once")
                .hint("wait until that run is done, check what it did (ops audit), then run again if still needed")
                .refused();
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
