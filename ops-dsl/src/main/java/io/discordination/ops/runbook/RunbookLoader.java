package io.discordination.ops.runbook;

import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.runbook.groovy.GroovyCompiler;
import io.discordination.ops.runbook.jshell.JShellCompiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds runbooks by name in {@code runbooks/} (or by path) and loads them with the compiler for
 * their language, through the compile cache.
 *
 * <pre>{@code Runbook rb = RunbookLoader.standard().load(RunbookLoader.standard().find("api-not-responding"));}</pre>
 */
public final class RunbookLoader implements AutoCloseable {
    private final Path directory;
    private final ScriptCache cache;
    private final JShellCompiler jshell = new JShellCompiler();
    private final GroovyCompiler groovy = new GroovyCompiler();

    public RunbookLoader(Path directory, ScriptCache cache) {
        this.directory = directory;
        this.cache = cache;
    }

    /** {@code runbooks/} of the project, cached under {@code OPS_HOME/cache}. */
    public static RunbookLoader standard() {
        return new RunbookLoader(OpsPaths.runbooks(), ScriptCache.at(OpsPaths.home()));
    }

    public Path directory() {
        return directory;
    }

    /** Every {@code .jsh} and {@code .groovy} file in the runbooks folder, sorted by name. */
    public List<Path> files() {
        if (!Files.isDirectory(directory)) return List.of();
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).filter(f -> ScriptSource.Language.of(f).isPresent()).sorted().toList();
        } catch (IOException e) {
            throw OpsException.builder("Cannot list runbooks in " + directory + ": " + e.getMessage()).cause(e).build();
        }
    }

    /** Every script in the runbooks folder and its subfolders (twins in another language live there): {@code ops check}. */
    public List<Path> allFiles() {
        if (!Files.isDirectory(directory)) return List.of();
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).filter(f -> ScriptSource.Language.of(f).isPresent()).sorted().toList();
        } catch (IOException e) {
            throw OpsException.builder("Cannot list runbooks in " + directory + ": " + e.getMessage()).cause(e).build();
        }
    }

    /**
     * The file of the runbook {@code nameOrPath}: a path to a script, or a name in the runbooks
     * folder ({@code api-not-responding} finds {@code api-not-responding.jsh} or {@code .groovy}).
     */
    public Path find(String nameOrPath) {
        if (nameOrPath == null || nameOrPath.isBlank()) throw new OpsException.InvalidInputException("A runbook name is needed");
        Path asPath = Path.of(nameOrPath);
        if (ScriptSource.Language.of(asPath).isPresent() || nameOrPath.contains("/")) {
            if (!Files.isRegularFile(asPath)) {
                throw OpsException.builder("No runbook file " + asPath.toAbsolutePath()).hint("give a .jsh or .groovy file, or a runbook name").invalidInput();
            }
            return asPath;
        }
        List<Path> matches = new ArrayList<>();
        for (ScriptSource.Language l : ScriptSource.Language.values()) {
            Path f = directory.resolve(nameOrPath + l.extension());
            if (Files.isRegularFile(f)) matches.add(f);
        }
        if (matches.size() == 1) return matches.get(0);
        if (matches.size() > 1) {
            throw OpsException.builder("Runbook " + nameOrPath + " is both " + matches.get(0).getFileName() + " and "
                    + matches.get(1).getFileName() + " in " + directory).hint("give the file's path").invalidInput();
        }
        List<String> known = files().stream().map(f -> f.getFileName().toString().replaceFirst("\\.(jsh|groovy)$", "")).toList();
        List<String> near = io.discordination.ops.text.Suggestions.nearest(nameOrPath, known);
        throw OpsException.builder("No runbook named '" + nameOrPath + "' in " + directory)
                .hint(known.isEmpty() ? "the folder has no runbooks"
                        : !near.isEmpty() ? "did you mean " + String.join(" or ", near) + "? (see: ops list)"
                        : "known: " + String.join(", ", known) + " (see: ops list)").invalidInput();
    }

    public Runbook load(Path file) {
        return compiler(file).load(file, read(file), cache);
    }

    /** Compiles without the cache: {@code ops check}. */
    public Runbook check(Path file) {
        return compiler(file).check(file, read(file));
    }

    private ScriptCompiler compiler(Path file) {
        ScriptSource.Language language = ScriptSource.Language.of(file).orElseThrow(() -> OpsException.builder(
                "Not a runbook script: " + file).hint("runbooks are .jsh (JShell) or .groovy files").invalidInput());
        return language == ScriptSource.Language.JSHELL ? jshell : groovy;
    }

    /** Frees the compilers' kept state (a warm JShell). */
    @Override
    public void close() {
        jshell.close();
        groovy.close();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw OpsException.builder("Cannot read runbook " + file + ": " + e.getMessage()).cause(e).invalidInput();
        }
    }
}
