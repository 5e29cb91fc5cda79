package io.discordination.ops.cli;

import io.discordination.ops.registry.Registry;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;

/**
 * The once-per-command line on stderr for a command that uses team state (runs, leases, the audit
 * trail, journals, saved plans) in an environment without {@code registry:}: that state stays in
 * local files under OPS_HOME. Quiet with {@code --quiet}.
 *
 * <pre>{@code RegistryNotice.say(context.registry(), spec);}</pre>
 */
final class RegistryNotice {
    private RegistryNotice() {
    }

    /** Says it on the command's stderr, once for {@code registry} (the command's), unless --quiet. */
    static void say(Registry registry, CommandSpec spec) {
        if (OpsCommand.of(spec).quiet()) return;
        PrintWriter err = spec.commandLine().getErr();
        if (registry.noticeIfLocal(line -> err.println("ops: " + TerminalText.escape(line)))) err.flush();
    }
}
