package io.discordination.ops.runbook;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a runbook came from: its file, language and content hash, and how to find the script line
 * a failure happened at (a JShell snippet's class or a Groovy script's stack frame).
 *
 * <pre>{@code source.locate(exception)   // "runbooks/x.jsh:12: boom"}</pre>
 */
public record ScriptSource(Path file, Language language, String contentHash, LineLocator locator) {

    /** The two script languages. */
    public enum Language {
        JSHELL(".jsh"), GROOVY(".groovy");

        private final String extension;

        Language(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }

        public static Optional<Language> of(Path file) {
            String name = file.getFileName().toString();
            for (Language l : values()) if (name.endsWith(l.extension)) return Optional.of(l);
            return Optional.empty();
        }
    }

    /** Finds the script line of the deepest stack frame that belongs to the script. */
    @FunctionalInterface
    public interface LineLocator {
        OptionalInt line(Throwable failure);
    }

    /** The file as the operator knows it: relative to the working directory when it is below it. */
    public String displayName() {
        Path cwd = Path.of("").toAbsolutePath();
        Path f = file.toAbsolutePath().normalize();
        return f.startsWith(cwd) ? cwd.relativize(f).toString() : f.toString();
    }

    /** {@code file:line} of the failure, or just the file when no script frame is on its stack. */
    public String where(Throwable failure) {
        OptionalInt line = OptionalInt.empty();
        for (Throwable t = failure; t != null && line.isEmpty(); t = t.getCause() == t ? null : t.getCause()) {
            line = locator == null ? OptionalInt.empty() : locator.line(t);
        }
        return displayName() + (line.isPresent() ? ":" + line.getAsInt() : "");
    }
}
