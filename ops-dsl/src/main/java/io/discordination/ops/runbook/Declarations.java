package io.discordination.ops.runbook;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the runbooks a script declares while a runner runs it: each {@link RunbookSpec}
 * created on the runner's thread inside {@link #collect} is handed back to it. A script's last
 * statement need not be its runbook, and a runner need not read values out of JShell. Outside
 * {@code collect}, declaring a runbook (in the REPL, in a test) records nothing.
 *
 * <pre>{@code List<RunbookSpec> specs = Declarations.collect(() -> declare.invoke(null));}</pre>
 */
public final class Declarations {
    /** Code that declares; it may throw anything, which {@link #collect} passes on. */
    @FunctionalInterface
    public interface Declaring {
        void run() throws Exception;
    }

    private static final ThreadLocal<List<RunbookSpec>> COLLECTING = new ThreadLocal<>();

    private Declarations() {
    }

    /** Runs {@code body} and returns the runbooks it declared, in order; a nested call collects on its own. */
    public static List<RunbookSpec> collect(Declaring body) throws Exception {
        List<RunbookSpec> previous = COLLECTING.get();
        List<RunbookSpec> declared = new ArrayList<>();
        COLLECTING.set(declared);
        try {
            body.run();
            return declared;
        } finally {
            if (previous == null) COLLECTING.remove();
            else COLLECTING.set(previous);
        }
    }

    static void declared(RunbookSpec spec) {
        List<RunbookSpec> collecting = COLLECTING.get();
        if (collecting != null) collecting.add(spec);
    }
}
