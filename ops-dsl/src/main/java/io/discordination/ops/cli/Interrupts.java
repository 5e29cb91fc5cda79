package io.discordination.ops.cli;

import io.discordination.ops.runbook.RunbookRunner;
import io.discordination.ops.runbook.Step;

import java.io.PrintWriter;

/**
 * Ctrl-C during {@code ops run}: a shutdown hook, installed for the run only, that ends the audit
 * of the effect in flight, writes {@code run-interrupted} to the journal and prints the run id and
 * the command that resumes it. The JVM then exits with 130, the shell's code for SIGINT.
 *
 * <pre>{@code try (Interrupts i = Interrupts.during(runner, runId, "api-not-responding", "local", err)) { runner.run(...); }}</pre>
 */
final class Interrupts implements AutoCloseable {
    private final Thread hook;

    private Interrupts(Thread hook) {
        this.hook = hook;
    }

    static Interrupts during(RunbookRunner runner, String runId, String runbook, String environment, PrintWriter err) {
        Thread hook = new Thread(() -> {
            try {
                Step step = runner.interrupted("interrupted (SIGINT or SIGTERM)");
                err.println();
                err.println("ops: run " + runId + " interrupted" + (step == null ? "" : " in step " + step.number() + " '" + step.title() + "'")
                        + "; the journal and the audit say so. Resume it with: ops run " + runbook + " --resume " + runId
                        + ("local".equals(environment) ? "" : " --env " + environment));
                err.flush();
            } catch (RuntimeException e) {
                err.println("ops: run " + runId + " interrupted; recording it failed: " + e.getMessage());
                err.flush();
            }
        }, "ops-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        return new Interrupts(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
