package io.discordination.ops;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the tool reads and writes. {@code OPS_HOME} (default {@code ~/.ops}) holds everything the
 * tool writes: {@code audit/}, {@code runs/}, {@code cache/}, {@code sandbox/}. The project root
 * (a checkout or an unpacked distribution) holds {@code environments/} and {@code runbooks/}; a
 * team keeps its own elsewhere with {@code OPS_RUNBOOKS} and {@code OPS_ENVIRONMENTS}.
 *
 * <pre>{@code Path audit = OpsPaths.home().resolve("audit");}</pre>
 */
public final class OpsPaths {
    private OpsPaths() {
    }

    /** {@code -Dops.home}, else {@code $OPS_HOME}, else {@code ~/.ops}. */
    public static Path home() {
        String configured = firstNonBlank(System.getProperty("ops.home"), System.getenv("OPS_HOME"));
        Path home = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".ops");
        return home.toAbsolutePath().normalize();
    }

    /**
     * {@code -Dops.root}, else {@code $OPS_ROOT}, else the nearest folder above the working
     * directory that has an {@code environments/} folder, else the working directory.
     */
    public static Path projectRoot() {
        String configured = firstNonBlank(System.getProperty("ops.root"), System.getenv("OPS_ROOT"));
        if (configured != null) return Path.of(configured).toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("environments"))) return p;
        }
        return cwd;
    }

    /** {@code -Dops.environments}, else {@code $OPS_ENVIRONMENTS} (a team's own repository), else {@code environments/} of the project root. */
    public static Path environments() {
        return configuredOr("ops.environments", "OPS_ENVIRONMENTS", "environments");
    }

    /** {@code -Dops.runbooks} (the CLI's {@code --runbooks}), else {@code $OPS_RUNBOOKS}, else {@code runbooks/} of the project root. */
    public static Path runbooks() {
        return configuredOr("ops.runbooks", "OPS_RUNBOOKS", "runbooks");
    }

    private static Path configuredOr(String property, String variable, String folderOfRoot) {
        String configured = firstNonBlank(System.getProperty(property), System.getenv(variable));
        if (configured != null) return Path.of(configured).toAbsolutePath().normalize();
        return projectRoot().resolve(folderOfRoot);
    }

    /** The environment file the sandbox writes for {@code local}. */
    public static Path sandboxEnvironment(Path home) {
        return home.resolve("sandbox").resolve("local.yaml");
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) if (v != null && !v.isBlank()) return v;
        return null;
    }
}
