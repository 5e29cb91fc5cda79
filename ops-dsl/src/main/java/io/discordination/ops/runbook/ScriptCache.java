package io.discordination.ops.runbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The compile cache: {@link CompiledScript}s under {@code OPS_HOME/cache/runbooks/}, one file per
 * key (a hash of the script's content, its language, the preamble and the library build). A
 * missing, torn or stale entry is compiled again; the cache never changes what a script does.
 *
 * <pre>{@code ScriptCache.at(OpsPaths.home()).lookup(key)}</pre>
 */
public final class ScriptCache {
    private final Path dir;

    private ScriptCache(Path dir) {
        this.dir = dir;
    }

    public static ScriptCache at(Path opsHome) {
        return new ScriptCache(opsHome.resolve("cache").resolve("runbooks"));
    }

    /** No cache: every load compiles. */
    public static ScriptCache none() {
        return new ScriptCache(null);
    }

    public Path directory() {
        return dir;
    }

    public Optional<CompiledScript> lookup(String key) {
        if (dir == null) return Optional.empty();
        Path file = dir.resolve(key + ".bin");
        try {
            return Files.isRegularFile(file) ? Optional.of(CompiledScript.fromBytes(Files.readAllBytes(file))) : Optional.empty();
        } catch (IOException | RuntimeException torn) {
            return Optional.empty();
        }
    }

    /** Stores {@code compiled}; a failure to write only costs the next start a compile. */
    public void store(String key, CompiledScript compiled) {
        if (dir == null) return;
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.write(tmp, compiled.toBytes());
            try {
                Files.move(tmp, dir.resolve(key + ".bin"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(key + ".bin"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ignored) {
            // an unwritable cache slows the next start; it does not fail this one
        }
    }

    public void forget(String key) {
        if (dir == null) return;
        try {
            Files.deleteIfExists(dir.resolve(key + ".bin"));
        } catch (IOException ignored) {
            // the entry is rebuilt on the next load anyway
        }
    }

    public static String sha256(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                md.update(p.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
