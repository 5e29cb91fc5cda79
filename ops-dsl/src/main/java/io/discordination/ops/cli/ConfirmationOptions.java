package io.discordination.ops.cli;

import io.discordination.ops.gate.Confirmer;
import picocli.CommandLine.Option;

/**
 * {@code --yes} and {@code --confirm-env}, shared by the commands that apply effects ({@code run},
 * {@code undo}), and the {@link Confirmer} they make.
 *
 * <pre>{@code Confirmer confirmer = confirmation.confirmer(noInput());}</pre>
 */
public final class ConfirmationOptions {
    @Option(names = {"-y", "--yes"}, description = "Approve every destructive effect without asking.")
    boolean yes;

    @Option(names = "--confirm-env", paramLabel = "NAME",
            description = "The protected environment's name, typed up front (needed with --yes on prod).")
    String confirmEnvironment;

    /** With {@code noInput} (--no-input) as without a terminal: only --yes (and --confirm-env) approve. */
    Confirmer confirmer(boolean noInput) {
        return noInput ? Confirmer.nonInteractive(yes, confirmEnvironment) : Confirmer.terminal(yes, confirmEnvironment);
    }
}
