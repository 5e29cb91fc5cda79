package io.discordination.ops.cli;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ops repl} driven through a real terminal (tmux): a handle call typed at the first prompt
 * prints its result, in JShell and in Groovy.
 */
@ExtendWith(SandboxExtension.class)
class ReplTest {
    static Path home;
    static SandboxInfo sandbox;

    @TempDir
    Path tmp;

    String session;

    @BeforeAll
    static void sandbox(SandboxInfo info) {
        sandbox = info;
        home = info.opsHome();
    }

    @AfterEach
    void closeSession() throws Exception {
        if (session != null) tmux("kill-session", "-t", session);
    }

    private void start(String... args) throws IOException, InterruptedException {
        Path script = tmp.resolve("repl.sh");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dops.home=" + home, "-Dops.root=" + Cli.projectRoot(), OpsCommand.class.getName(), "repl"));
        command.addAll(List.of(args));
        StringBuilder line = new StringBuilder();
        for (String c : command) line.append('\'').append(c.replace("'", "'\\''")).append("' ");
        Files.writeString(script, "#!/bin/sh\nexec " + line + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        session = "ops-repl-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        // the tmux server of a session killed a moment ago may still be exiting: try again
        int started = 1;
        for (int attempt = 0; attempt < 3 && started != 0; attempt++) {
            if (attempt > 0) Thread.sleep(300);
            started = tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "60", script.toString());
        }
        assertThat(started).isZero();
    }

    private static int tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    private String screen() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tmux", "capture-pane", "-p", "-J", "-S", "-200", "-t", session).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return text;
    }

    private String awaitScreen(String... texts) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        String s = "";
        while (Instant.now().isBefore(deadline)) {
            s = screen();
            boolean all = true;
            for (String t : texts) all &= s.contains(t);
            if (all) return s;
            Thread.sleep(200);
        }
        throw new AssertionError("the screen never showed " + List.of(texts) + ":\n" + s);
    }

    private void type(String text) throws Exception {
        assertThat(tmux("send-keys", "-t", session, "-l", text)).isZero();
        assertThat(tmux("send-keys", "-t", session, "Enter")).isZero();
    }

    @Test
    void repl_whenAHandleCallIsTypedAtTheFirstPrompt_printsItsResult() throws Exception {
        start();
        awaitScreen("environment local", "jshell>");

        type("ecs(\"api\").status()");

        String shown = awaitScreen("discordination-prod", "DEPLOYMENT", "EVENT TIME");
        assertThat(shown).doesNotContain("Error", "cannot find symbol");
        type("/exit");
    }

    /** The api service's deployment ids, as the aws CLI sees them (an independent client). */
    private static String deployments() throws Exception {
        return aws("ecs", "describe-services", "--cluster", "discordination-prod",
                "--services", "api", "--query", "services[0].deployments[].id", "--output", "text");
    }

    /**
     * The {@code expiresAt} of the sandbox's lease on api, as the aws CLI reads the registry table: 0
     * once released, "None" when no run ever took it.
     */
    private static String apiLeaseExpiry() throws Exception {
        return aws("dynamodb", "get-item", "--table-name", "discordination-ops", "--consistent-read",
                "--key", "{\"pk\":{\"S\":\"lease#local#ecs:discordination-prod/api\"},\"sk\":{\"S\":\"lease\"}}",
                "--query", "Item.expiresAt.N", "--output", "text");
    }

    /** What {@code aws args} prints against the sandbox. */
    private static String aws(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("AWS_PROFILE");
        pb.environment().putAll(sandbox.exports());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private void clear() throws Exception {
        // -R resets the pane without typing anything (a Ctrl-L would reach the Groovy loop's input)
        assertThat(tmux("send-keys", "-R", "-t", session)).isZero();
        assertThat(tmux("clear-history", "-t", session)).isZero();
    }

    @Test
    void repl_whenADestructiveCallIsAnsweredAtThePrompt_appliesItOnYesAndChangesNothingOnNo() throws Exception {
        start();
        awaitScreen("environment local", "jshell>");
        String before = deployments();

        type("ecs(\"api\").forceRedeploy()");
        awaitScreen("force-redeploy ecs service discordination-prod/api", "runningTasks=", "[y/N]");
        Thread.sleep(500); // still asking, not refused at once
        assertThat(screen()).doesNotContain("Refused");
        type("n");
        awaitScreen("declined at the prompt");
        assertThat(deployments()).isEqualTo(before);

        clear();
        type("ecs(\"api\").forceRedeploy()");
        awaitScreen("[y/N]");
        type("y");
        awaitScreen("ecs-svc/", "jshell>");
        assertThat(deployments()).isNotEqualTo(before);
        // the line is done: its lease is let go while the shell stays open, so a colleague's run is not refused
        assertThat(apiLeaseExpiry()).isEqualTo("0");
        type("/exit");
    }

    @Test
    void repl_whenHelpIsAsked_listsTheEntryPoints() throws Exception {
        start();
        awaitScreen("environment local", "jshell>");
        type("help()");
        awaitScreen("Entry points", "ecs(service)", "forceRedeploy()", "redis()", "deleteMatching()", "Leave with /exit");
        type("/exit");
    }

    @Test
    void repl_whenGroovyAsksForConfirmationAndHelp_readsTheAnswerAndListsTheEntryPoints() throws Exception {
        start("--groovy");
        awaitScreen("environment local", "groovy>");
        type(":help");
        String help = awaitScreen("Entry points", "ecs(service)", "Leave with :exit");
        assertThat(help).doesNotContain("error:");
        String before = deployments();

        type("ecs('api').forceRedeploy()");
        awaitScreen("[y/N]");
        type("n");
        awaitScreen("declined at the prompt");
        assertThat(deployments()).isEqualTo(before);
        clear();
        type("ecs('api').forceRedeploy()");
        awaitScreen("[y/N]");
        type("y");
        awaitScreen("ecs-svc/");
        assertThat(deployments()).isNotEqualTo(before);
        assertThat(apiLeaseExpiry()).isEqualTo("0");
        type(":exit");
    }

    @Test
    void repl_whenGroovyIsAsked_evaluatesTheSameHandleCall() throws Exception {
        start("--groovy");
        awaitScreen("environment local", "groovy>");

        type("ecs('api').status()");

        String shown = awaitScreen("==> service", "discordination-prod", "DEPLOYMENT", "EVENT TIME");
        assertThat(shown).doesNotContain("error:");
        type(":exit");
    }

    @Test
    void repl_whenAValueHoldsTerminalControls_showsThemEscapedInsteadOfRunningThem() throws Exception {
        start("--groovy");
        awaitScreen("environment local", "groovy>");

        // a value as a server could send it: erase the line, return to its start, write a fake one
        type("'db down' + (char) 27 + '[2K' + (char) 13 + 'all good'");

        String shown = awaitScreen("==> db down\\u001b[2K\\rall good");
        assertThat(shown.lines()).noneMatch(l -> l.startsWith("all good"));
        type(":exit");
    }
}
