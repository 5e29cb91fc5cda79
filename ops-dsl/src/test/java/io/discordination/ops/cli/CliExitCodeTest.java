package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsException;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.runbook.testing.ProbeCliTest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One base class for the subcommands, and {@link ExitCode} as the only source of the numbers the command line exits with. */
class CliExitCodeTest extends ProbeCliTest {

    @Test
    void commandLine_whenBuilt_hasOnlySubcommandsOnTheBaseClass() {
        List<String> notOnTheBase = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        collect(OpsCommand.commandLine(), notOnTheBase, seen);

        assertThat(seen).contains("list", "describe", "plan", "run", "check", "docs", "repl", "env", "audit", "sandbox",
                "sandbox up", "sandbox status", "completion", "__complete");
        assertThat(notOnTheBase).as("commands that repeat the spec and output plumbing").isEmpty();
    }

    @Test
    void help_whenAsked_listsEachExitCodeWithItsMeaningFromExitCode() {
        Cli.Result r = cli.run("--help");

        assertThat(r.exitCode()).isEqualTo(ExitCode.OK.code());
        for (ExitCode c : List.of(ExitCode.OK, ExitCode.FAILED, ExitCode.INVALID_INPUT, ExitCode.REFUSED)) {
            assertThat(r.out()).containsPattern("(?m)^  " + c.code() + " +\\Q" + c.meaning() + "\\E$");
        }
    }

    @Test
    void exitCodeMapper_whenACommandThrows_givesTheFailuresNamedCode() {
        CommandLine.IExitCodeExceptionMapper mapper = OpsCommand.commandLine(new String[]{"run"})
                .getSubcommands().get("run").getExitCodeExceptionMapper();

        assertThat(mapper.getExitCode(new OpsException.InvalidInputException("bad"))).isEqualTo(2);
        assertThat(mapper.getExitCode(new OpsException.RefusedException("no"))).isEqualTo(3);
        assertThat(mapper.getExitCode(OpsException.builder("gone").notFound())).isEqualTo(1);
        assertThat(mapper.getExitCode(new IllegalStateException("bug"))).isEqualTo(1);
    }

    @Test
    void execute_whenACommandFailsOnBadInputOrIsRefused_printsOneLineAndExitsWithItsCode() throws IOException {
        Files.writeString(probeDir.resolve("marker"), "kept\n");
        Cli.Result badInput = cli.run("audit", "--env", "../elsewhere");
        Cli.Result badOption = cli.run("env", "--no-such-option");
        Cli.Result refused = cli.run("run", Cli.testRunbook("destructive.jsh").toString(), "--env", env.toString(), "--no-input");
        Cli.Result failed = cli.run("run", Cli.testRunbook("broken-step.jsh").toString(), "--env", env.toString());

        assertThat(badInput.exitCode()).as(badInput.all()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(badInput.err()).startsWith("ops: Invalid environment name '../elsewhere'").hasLineCount(1);
        assertThat(badOption.exitCode()).as(badOption.all()).isEqualTo(ExitCode.INVALID_INPUT.code());
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(ExitCode.REFUSED.code());
        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(ExitCode.FAILED.code());
        assertThat(probeDir.resolve("marker")).as("the refused run removed nothing").hasContent("kept");
        assertThat(probeDir.resolve("broken-marker")).doesNotExist();
    }

    private static void collect(CommandLine cl, List<String> notOnTheBase, List<String> seen) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            String name = sub.getCommandSpec().qualifiedName(" ").replaceFirst("^ops ", "");
            Object command = sub.getCommandSpec().userObject();
            if (seen.contains(name)) continue;
            seen.add(name);
            if (!(command instanceof CommandLine.HelpCommand) && !(command instanceof OpsSubcommand)) notOnTheBase.add(name);
            collect(sub, notOnTheBase, seen);
        }
    }
}
