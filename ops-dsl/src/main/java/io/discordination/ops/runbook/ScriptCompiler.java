package io.discordination.ops.runbook;

import java.nio.file.Path;

/**
 * Turns one script into its {@link Runbook}: compiled (or taken from the cache) and run to declare
 * it. Errors are {@link ScriptException}s whose lines point into the script.
 */
public interface ScriptCompiler extends AutoCloseable {
    ScriptSource.Language language();

    Runbook load(Path file, String content, ScriptCache cache);

    /** Compiles without the cache and reports every error it finds: {@code ops check}. */
    default Runbook check(Path file, String content) {
        return load(file, content, ScriptCache.none());
    }

    /** Frees what the compiler keeps between scripts. */
    @Override
    default void close() {
    }
}
