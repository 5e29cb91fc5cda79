package io.discordination.ops.cli;

import io.discordination.ops.runbook.testing.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The habits of a mature command line: completion, "did you mean", ops help, global options before
 * the subcommand, --no-input and --quiet, colour and width at a terminal (a real pseudo-terminal,
 * through {@code script}), and one report for a declined effect.
 */
class CliHabitsTest {
    private static final String ESC = "\u001b[";

    @TempDir
    Path tmp;

    Cli cli;
    Path env;
    Path marker;

    @BeforeEach
    void setUp() throws IOException {
        cli = new Cli(Files.createDirectories(tmp.resolve("home")), Cli.projectRoot());
        env = Cli.probeEnvironment(tmp);
        marker = tmp.resolve("probe").resolve("marker");
        Files.writeString(marker, "one\ntwo\n");
    }

    private static String rb(String file) {
        return Cli.testRunbook(file).toString();
    }

    /** A terminal's result: what the pseudo-terminal showed (stdout and stderr together) and the exit code. */
    record Screen(int exitCode, String text) {
    }

    /** Runs {@code ops args} on a pseudo-terminal ({@code script}), typing {@code input}; variables added to its environment. */
    private Screen terminal(String input, Map<String, String> variables, String... args) throws Exception {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(Arrays.asList(args));
        StringBuilder line = new StringBuilder();
        for (String c : command) line.append('\'').append(c.replace("'", "'\\''")).append("' ");
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", line.toString(), "/dev/null");
        pb.environment().remove("NO_COLOR");
        pb.environment().remove("COLUMNS");
        pb.environment().putAll(variables);
        Path in = Files.writeString(tmp.resolve("input.txt"), input);
        Path out = tmp.resolve("screen.txt");
        Process p = pb.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ops finished on the terminal").isTrue();
        return new Screen(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).replace("\r", ""));
    }

    private List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "-Dops.root=" + Cli.projectRoot(),
                "-Dops.home=" + cli.home(), OpsCommand.class.getName());
    }

    @Test
    void completion_whenSourcedInBash_completesSubcommandsRunbookNamesAndTheRunbooksParameterNames() throws Exception {
        Cli.Result generated = cli.run("completion", "bash");
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        Path script = Files.writeString(tmp.resolve("ops.bash"), generated.out());
        Path ops = tmp.resolve("ops");
        StringBuilder exec = new StringBuilder("#!/bin/sh\nexec");
        for (String c : javaCommand()) exec.append(" '").append(c.replace("'", "'\\''")).append('\'');
        Files.writeString(ops, exec + " \"$@\"\n");
        Files.setPosixFilePermissions(ops, PosixFilePermissions.fromString("rwx------"));
        Path test = Files.writeString(tmp.resolve("complete.sh"), String.join("\n",
                "source " + script,
                "at() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE};",
                "  COMPREPLY=(); _ops_complete 2>/dev/null; echo \"${COMP_WORDS[*]:1}=> ${COMPREPLY[*]}\"; }",
                "at " + ops + " pl",
                "at " + ops + " run flush-re",
                "at " + ops + " --env prod plan kick",
                "at " + ops + " run flush-redis-cache --param ''",
                "at " + ops + " plan rate-limit-bypass -p bl",
                "at " + ops + " plan flush-redis-cache --no-",
                "at " + ops + " sandbox st",
                "complete -p " + "ops", ""));
        Process bash = new ProcessBuilder("bash", test.toString()).redirectErrorStream(true).start();
        String shown = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor()).as(shown).isZero();

        assertThat(shown).contains("pl=> plan plans\n", "run flush-re=> flush-redis-cache\n", "--env prod plan kick=> kick-from-voice\n",
                "run flush-redis-cache --param => scope= confirm=\n", "plan rate-limit-bypass -p bl=> block=\n",
                "plan flush-redis-cache --no-=> --no-input\n", "sandbox st=> status\n", "-F _ops_complete");
    }

    @Test
    void completion_whenSourcedInZsh_completesRunbookAndParameterNamesThroughBashcompinit() throws Exception {
        Cli.Result generated = cli.run("completion", "zsh");
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        Path script = Files.writeString(tmp.resolve("ops.zsh"), generated.out());
        Path ops = tmp.resolve("ops");
        StringBuilder exec = new StringBuilder("#!/bin/sh\nexec");
        for (String c : javaCommand()) exec.append(" '").append(c.replace("'", "'\\''")).append('\'');
        Files.writeString(ops, exec + " \"$@\"\n");
        Files.setPosixFilePermissions(ops, PosixFilePermissions.fromString("rwx------"));
        // zsh filters the candidates by the typed prefix itself (compadd), so they are checked unfiltered
        Path test = Files.writeString(tmp.resolve("complete.zsh"), String.join("\n",
                "source " + script,
                "at() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _ops_complete 2>/dev/null;"
                        + " echo \"${COMP_WORDS[-1]}=> ${COMPREPLY[*]}\"; }",
                "at " + ops + " run fl",
                "at " + ops + " run flush-redis-cache --param ''",
                ""));
        Process zsh = new ProcessBuilder("zsh", "-f", test.toString()).redirectErrorStream(true).start();
        String shown = new String(zsh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(zsh.waitFor()).as(shown).isZero();
        assertThat(shown).contains("flush-redis-cache", "=> scope= confirm=\n").doesNotContain("command not found", "no matches");
    }

    @Test
    void mistypedSubcommandOrRunbook_suggestsTheNearestNameAndExitsTwo() {
        Cli.Result command = cli.run("pnal", "flush-redis-cache");
        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).contains("Did you mean: ops plan?");

        Cli.Result runbook = cli.run("describe", "flush-reids-cache");
        assertThat(runbook.exitCode()).isEqualTo(2);
        assertThat(runbook.err()).contains("did you mean flush-redis-cache?");

        Cli.Result option = cli.run("plan", "flush-redis-cache", "--evn", "prod");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.err()).contains("Did you mean: --env?");
    }

    @Test
    void help_whenGivenACommand_printsItsUsageWithExamples() {
        Cli.Result help = cli.run("help", "run");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: ops run", "--resume", "Examples:", "ops run api-not-responding");
        assertThat(cli.run("help").out()).contains("plan", "completion", "Examples:");
    }

    @Test
    void everyCommandsHelp_hasExamples() {
        List<List<String>> commands = List.of(List.of(), List.of("list"), List.of("describe"), List.of("plan"), List.of("run"),
                List.of("check"), List.of("docs"), List.of("repl"), List.of("env"), List.of("audit"), List.of("sandbox"),
                List.of("sandbox", "up"), List.of("sandbox", "down"), List.of("sandbox", "status"), List.of("sandbox", "reset"),
                List.of("sandbox", "env"), List.of("sandbox", "break"), List.of("sandbox", "heal"), List.of("drill"),
                List.of("completion"), List.of("help"));
        for (List<String> c : commands) {
            List<String> args = new ArrayList<>(c);
            args.add("--help");
            Cli.Result r = cli.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Examples:");
        }
    }

    @Test
    void env_whenGivenBeforeTheSubcommand_isTheEnvironmentOfEveryCommand() {
        Cli.Result plan = cli.run("--env", env.toString(), "plan", rb("probe.jsh"), "-p", "label=a");
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("environment test");

        Cli.Result shown = cli.run("-e", env.toString(), "env");
        assertThat(shown.exitCode()).as(shown.all()).isZero();
        assertThat(shown.out()).contains("environment  test");

        Cli.Result after = cli.run("describe", rb("probe.jsh"), "--env", env.toString());
        assertThat(after.exitCode()).as(after.all()).isZero();
        assertThat(after.out()).contains("cat " + tmp.resolve("probe") + "/marker");
    }

    @Test
    void run_whenTheAnswerIsNo_reportsItOnceAsDeclinedExitsThreeAndChangesNothing() throws Exception {
        Screen s = terminal("n\n", Map.of(), "run", rb("destructive.jsh"), "--env", env.toString());

        assertThat(s.exitCode()).as(s.text()).isEqualTo(3);
        assertThat(s.text()).contains("remove file " + marker, "lines=2", "[y/N]", "declined at step 2 (exit 3)");
        assertThat(s.text().split("DECLINED", -1)).as(s.text()).hasSize(2);
        assertThat(s.text()).doesNotContain("FAILED");
        assertThat(marker).exists();
        // colour at a terminal: the declined line stands out
        assertThat(s.text()).contains(ESC + "33mDECLINED");
    }

    @Test
    void run_whenTheAnswerIsYes_appliesTheEffect() throws Exception {
        Screen s = terminal("y\n", Map.of(), "run", rb("destructive.jsh"), "--env", env.toString());
        assertThat(s.exitCode()).as(s.text()).isZero();
        assertThat(marker).doesNotExist();
    }

    @Test
    void run_whenNoInputAtATerminal_refusesWithoutAskingLikeWithoutATerminal() throws Exception {
        Screen s = terminal("y\n", Map.of(), "--no-input", "run", rb("destructive.jsh"), "--env", env.toString());

        assertThat(s.exitCode()).as(s.text()).isEqualTo(3);
        assertThat(s.text()).doesNotContain("[y/N]").contains("REFUSED", "re-run with --yes");
        assertThat(marker).exists();

        Screen yes = terminal("", Map.of(), "run", rb("destructive.jsh"), "--env", env.toString(), "--no-input", "--yes");
        assertThat(yes.exitCode()).as(yes.text()).isZero();
        assertThat(marker).doesNotExist();
    }

    @Test
    void plan_whenNoColorIsSetOrOutputIsPiped_printsNoColour() throws Exception {
        Screen coloured = terminal("", Map.of(), "plan", rb("destructive.jsh"), "--env", env.toString());
        assertThat(coloured.text()).contains(ESC + "1m" + ESC + "31m(destructive)");

        Screen noColor = terminal("", Map.of("NO_COLOR", "1"), "plan", rb("destructive.jsh"), "--env", env.toString());
        assertThat(noColor.exitCode()).as(noColor.text()).isZero();
        assertThat(noColor.text()).contains("(destructive)").doesNotContain(ESC);

        Cli.Result piped = cli.run("plan", rb("destructive.jsh"), "--env", env.toString());
        assertThat(piped.all()).contains("(destructive)").doesNotContain(ESC);
    }

    @Test
    void tables_atANarrowTerminal_fitItsWidthWhileJsonAndPipedOutputAreNotCut() throws Exception {
        Screen narrow = terminal("", Map.of("COLUMNS", "70"), "list");
        assertThat(narrow.exitCode()).as(narrow.text()).isZero();
        List<String> lines = narrow.text().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(70));
        assertThat(narrow.text()).contains("...");

        Screen json = terminal("", Map.of("COLUMNS", "70"), "list", "--output", "json");
        assertThat(json.text()).contains("\"title\" : \"Gateway WebSocket Connections Dropping\"").doesNotContain("...\"");

        Cli.Result piped = cli.run("list");
        assertThat(piped.out().lines().anyMatch(l -> l.length() > 70)).isTrue();
        assertThat(piped.out()).doesNotContain("...");
    }

    @Test
    void quiet_printsOnlyTheSummary() {
        Cli.Result r = cli.run("--quiet", "run", rb("probe.jsh"), "--env", env.toString(), "-p", "label=q");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("finished ok").doesNotContain("1. Read the marker", "Probe Runbook");
    }

    @Test
    void resumeHint_whenTheEnvironmentWasGivenAsAPath_repeatsThePathAndWorks() {
        Cli.Result failed = cli.run("run", rb("broken-step.jsh"), "--env", env.toString());
        assertThat(failed.exitCode()).isEqualTo(1);
        String hint = failed.out().lines().filter(l -> l.contains("--resume")).findFirst().orElseThrow();
        assertThat(hint).endsWith(" --env " + env);
        String runId = hint.replaceFirst(".*--resume (\\S+).*", "$1");

        Cli.Result resumed = cli.run("run", rb("broken-step.jsh"), "--resume", runId, "--env", env.toString());
        assertThat(resumed.err()).doesNotContain("ran in environment");
        assertThat(resumed.out()).contains("resuming " + runId);
    }
}
