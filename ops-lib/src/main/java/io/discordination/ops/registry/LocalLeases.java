package io.discordination.ops.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.OpsException;
import io.discordination.ops.gate.LockFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Leases without a registry: one operating-system lock per target, {@code OPS_HOME/locks/lease-<hash>.lock}
 * (the hash of the environment and the lease target), with the lease as a JSON line in the file for
 * whoever finds it taken. They serve the runs of one machine; the OS drops the lock of a process
 * that dies, even by SIGKILL, so a local lease never needs to expire, has no fencing token (0) and
 * cannot be broken by another process. Threads of one process meet in a table here first: a
 * second channel on a locked file must never be opened and closed, since closing it would drop the
 * first one's lock.
 *
 * <pre>{@code Leases leases = new LocalLeases(opsHome.resolve("locks"), "local");}</pre>
 */
public final class LocalLeases implements Leases {
    /** The leases this process holds, by lock file. */
    private static final Map<Path, HeldHere> HELD_HERE = new HashMap<>();

    private record HeldHere(Lease lease, LockFile lock) {
    }

    private final Path directory;
    private final String environment;

    public LocalLeases(Path directory, String environment) {
        this.directory = directory;
        this.environment = environment;
    }

    @Override
    public Lease take(String target, Claim claim, long expiresAtMs) {
        Path file = fileOf(target);
        synchronized (HELD_HERE) {
            HeldHere here = HELD_HERE.get(file);
            if (here != null) {
                if (here.lease().runId().equals(claim.runId())) return here.lease();
                throw new Busy(here.lease());
            }
            Lease lease = new Lease(target, environment, claim.holder(), claim.host(), claim.runId(), claim.runbook(),
                    Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), Long.MAX_VALUE, 0, ProcessHandle.current().pid());
            try {
                LockFile lock = LockFile.tryTake(file, Json.write(lease));
                if (lock == null) throw new Busy(read(file).orElse(null));
                HELD_HERE.put(file, new HeldHere(lease, lock));
                return lease;
            } catch (IOException e) {
                throw OpsException.builder("Cannot lock " + target + " (" + file + "): " + e.getMessage())
                        .hint("check that OPS_HOME is writable; nothing was changed").cause(e).build();
            }
        }
    }

    /** True while this process holds it: the OS keeps the lock as long as the process lives. */
    @Override
    public boolean renew(Lease held, long expiresAtMs) {
        synchronized (HELD_HERE) {
            HeldHere here = HELD_HERE.get(fileOf(held.target()));
            return here != null && here.lease().runId().equals(held.runId());
        }
    }

    @Override
    public void release(Lease held) {
        Path file = fileOf(held.target());
        synchronized (HELD_HERE) {
            HeldHere here = HELD_HERE.get(file);
            if (here == null || !here.lease().runId().equals(held.runId())) return;
            HELD_HERE.remove(file);
            here.lock().close();
        }
    }

    @Override
    public Optional<Lease> find(String target) {
        synchronized (HELD_HERE) {
            HeldHere here = HELD_HERE.get(fileOf(target));
            return here != null ? Optional.of(here.lease()) : read(fileOf(target));
        }
    }

    @Override
    public Map<String, Lease> find(Collection<String> targets) {
        Map<String, Lease> found = new LinkedHashMap<>();
        for (String t : targets) find(t).ifPresent(l -> found.put(t, l));
        return found;
    }

    @Override
    public List<Lease> list() {
        List<Lease> leases = new ArrayList<>();
        if (!Files.isDirectory(directory)) return leases;
        synchronized (HELD_HERE) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "lease-*.lock")) {
                for (Path file : files) {
                    HeldHere here = HELD_HERE.get(file);
                    Optional<Lease> lease = here != null ? Optional.of(here.lease()) : read(file);
                    lease.filter(l -> environment.equals(l.environment())).ifPresent(leases::add);
                }
            } catch (IOException e) {
                throw OpsException.builder("Cannot list the leases in " + directory + ": " + e.getMessage()).cause(e).build();
            }
        }
        leases.sort(Comparator.comparing(Lease::target));
        return leases;
    }

    /**
     * A local lease is an OS lock: a live holder cannot be broken from outside its process (stop that
     * process, and its lock is gone); one whose process is gone is free already and is returned as it was.
     */
    @Override
    public Optional<Lease> breakLease(String target) {
        Optional<Lease> lease = find(target);
        if (lease.isPresent() && lease.get().activeAt(System.currentTimeMillis())) {
            Lease l = lease.get();
            throw OpsException.builder("Refused: the lease of " + target + " is a lock of process " + l.pid() + " on this machine ("
                            + l.describe() + "); it cannot be broken from outside that process")
                    .environment(environment)
                    .hint("it ends with that process: stop it (kill " + l.pid() + ") if it is stuck; nothing was changed").refused();
        }
        return lease;
    }

    @Override
    public Fence fence(Collection<Lease> held) {
        return Fence.NONE;
    }

    @Override
    public boolean expires() {
        return false;
    }

    @Override
    public String describe() {
        return "lock files in " + directory;
    }

    private Path fileOf(String target) {
        return directory.resolve("lease-" + hash(environment + "\n" + target) + ".lock");
    }

    /** The lease a lock file names; empty when it is empty (let go) or unreadable. */
    private static Optional<Lease> read(Path file) {
        String text = LockFile.holderOf(file);
        if (text.isEmpty()) return Optional.empty();
        try {
            JsonNode node = Json.mapper().readTree(text);
            return Optional.of(Json.mapper().treeToValue(node, Lease.class));
        } catch (IOException | RuntimeException torn) {
            return Optional.empty();
        }
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
