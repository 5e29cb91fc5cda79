package io.discordination.ops.runbook;

import io.discordination.ops.Ops;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * What runbook scripts compile against: the library's packages (each imported by the preambles),
 * the class path spelled out (a jar's manifest {@code Class-Path} expanded, which the JShell
 * compiler needs), and a stamp of the library build for compile-cache keys.
 */
public final class Library {
    private static final String ROOT = "io/discordination/ops";
    /** Packages of the tool itself, not of the library scripts use. */
    private static final Set<String> NOT_FOR_SCRIPTS = Set.of("cli", "sandbox", "runbook");

    private static volatile List<String> packages;
    private static volatile String stamp;

    private Library() {
    }

    /** Library packages such as {@code io.discordination.ops.ecs}, sorted; found where {@code Ops} was loaded from. */
    public static List<String> packages() {
        List<String> p = packages;
        if (p == null) {
            Set<String> found = new TreeSet<>();
            Path origin = origin(Ops.class);
            try {
                if (origin != null && Files.isDirectory(origin)) {
                    Path root = origin.resolve(ROOT);
                    try (Stream<Path> dirs = Files.walk(root)) {
                        dirs.filter(Files::isDirectory).filter(d -> !d.equals(root)).forEach(d -> {
                            try (Stream<Path> files = Files.list(d)) {
                                if (files.anyMatch(f -> f.toString().endsWith(".class"))) {
                                    found.add(root.relativize(d).toString().replace(File.separatorChar, '.'));
                                }
                            } catch (IOException ignored) {
                                // an unreadable folder holds nothing to import
                            }
                        });
                    }
                } else if (origin != null && Files.isRegularFile(origin)) {
                    try (JarFile jar = new JarFile(origin.toFile())) {
                        jar.stream().map(e -> e.getName())
                                .filter(n -> n.startsWith(ROOT + "/") && n.endsWith(".class"))
                                .map(n -> n.substring(0, n.lastIndexOf('/')))
                                .filter(dir -> dir.length() > ROOT.length())
                                .forEach(dir -> found.add(dir.substring(ROOT.length() + 1).replace('/', '.')));
                    }
                }
            } catch (IOException ignored) {
                // without the list, scripts import what they need themselves
            }
            List<String> out = new ArrayList<>();
            for (String f : found) {
                if (!NOT_FOR_SCRIPTS.contains(f.split("\\.")[0])) out.add("io.discordination.ops." + f);
            }
            packages = p = List.copyOf(out);
        }
        return p;
    }

    /** Every class path entry, with jar manifests' {@code Class-Path} entries expanded. */
    public static List<String> classPath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!e.isBlank()) expand(Path.of(e).toAbsolutePath().normalize(), entries);
        }
        // an embedding class loader (a test runner, an application server) may know more than java.class.path
        for (Class<?> c : List.of(Ops.class, Library.class, groovy.lang.Script.class)) {
            Path origin = origin(c);
            if (origin != null) expand(origin, entries);
        }
        return List.copyOf(entries);
    }

    private static void expand(Path entry, Set<String> entries) {
        // a manifest may name jars that are not there (the jar installed in a Maven repository, or
        // in the distribution's flat lib/): the JVM skips them, and JShell must not be given them
        if (!Files.exists(entry) || !entries.add(entry.toString())) return;
        if (!Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) return;
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null) return;
            for (String rel : cp.trim().split("\\s+")) {
                if (!rel.isEmpty()) expand(entry.getParent().resolve(rel).normalize(), entries);
            }
        } catch (IOException ignored) {
            // an unreadable jar adds nothing
        }
    }

    /**
     * Changes when the library or this module is rebuilt (jar size and time); part of every
     * compile-cache key, so a cached runbook never outlives the classes it was compiled against.
     */
    public static String stamp() {
        String s = stamp;
        if (s == null) {
            StringBuilder sb = new StringBuilder();
            for (Class<?> c : List.of(Ops.class, Library.class)) {
                Path origin = origin(c);
                sb.append(origin).append(';');
                try {
                    if (origin != null && Files.isRegularFile(origin)) {
                        sb.append(Files.size(origin)).append(';').append(Files.getLastModifiedTime(origin).toMillis());
                    }
                } catch (IOException ignored) {
                    // no stamp part: the content hash still keys the entry
                }
                sb.append('|');
            }
            stamp = s = sb.toString();
        }
        return s;
    }

    private static Path origin(Class<?> c) {
        try {
            var cs = c.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? null : Path.of(cs.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
