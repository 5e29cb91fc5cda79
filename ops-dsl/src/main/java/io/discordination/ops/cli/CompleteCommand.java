package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.runbook.Parameter;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/**
 * {@code ops __complete params RUNBOOK}: what the completion script asks at a tab, one word a line.
 * Hidden from help; prints nothing (exit 0) for a runbook that cannot be loaded, so a tab never
 * shows an error in the middle of a command line.
 *
 * <pre>{@code ops __complete params flush-redis-cache   # scope, confirm}</pre>
 */
@Command(name = "__complete", hidden = true, description = "Completion candidates for the shell completion script.")
final class CompleteCommand extends OpsSubcommand {
    @Parameters(index = "0", paramLabel = "WHAT", description = "params")
    String what;

    @Parameters(index = "1", paramLabel = "RUNBOOK", arity = "0..1")
    String runbook;

    @Override
    protected ExitCode execute() {
        PrintWriter out = out();
        if ("params".equals(what) && runbook != null) {
            try (RunbookLoader loader = RunbookLoader.standard()) {
                Runbook rb = loader.load(loader.find(runbook));
                for (Parameter p : rb.parameters()) out.println(p.name());
            } catch (RuntimeException unknown) {
                // no candidates
            }
        }
        out.flush();
        return ExitCode.OK;
    }
}
