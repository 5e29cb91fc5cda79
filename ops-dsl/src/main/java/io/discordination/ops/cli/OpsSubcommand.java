package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * The base of every {@code ops} subcommand: the picocli spec, stdout for results and stderr for
 * diagnostics (so {@code --output json} stays clean), the global options, and a named
 * {@link ExitCode} as the outcome. A failure is thrown, not returned: the command line's
 * exception handler prints its one line and picocli's exit code mapper picks its code.
 *
 * <pre>{@code
 * @Command(name = "env") final class EnvCommand extends OpsSubcommand {
 *     protected ExitCode execute() { out().println("..."); return ExitCode.OK; }
 * }
 * }</pre>
 */
abstract class OpsSubcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** What the command does; its outcome is the process's exit code. */
    protected abstract ExitCode execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        return execute().code();
    }

    /** Where results go. */
    protected final PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where notices, warnings and errors go. */
    protected final PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** The global options ({@code --env}, {@code --no-input}, {@code --quiet}), given before or after the subcommand. */
    protected final OpsCommand globals() {
        return OpsCommand.of(spec);
    }

    protected final boolean quiet() {
        return globals().quiet();
    }

    protected final boolean noInput() {
        return globals().noInput();
    }

    /** Prints the command's usage: what a command with subcommands does when none is given. */
    protected final ExitCode usage() {
        spec.commandLine().usage(out());
        return ExitCode.OK;
    }
}
