package io.discordination.ops.drill;

import io.discordination.ops.cli.OpsCommand;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.drill.Observation;
import io.discordination.ops.sandbox.drill.Probe;
import io.discordination.ops.sandbox.drill.SandboxAccess;
import io.discordination.ops.sandbox.drill.Scenarios;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ops drill NAME} without {@code --yes}, at a real terminal (a pseudo-terminal from {@code script}):
 * the runbook's destructive step is put to the person, and the answer decides the drill. Whatever
 * the answer, the sandbox is healed afterwards.
 */
@ExtendWith(SandboxExtension.class)
class InteractiveDrillTest {
    @TempDir
    Path tmp;

    /** A terminal's result: what the pseudo-terminal showed (stdout and stderr, colours removed) and the exit code. */
    record Screen(int exitCode, String text) {
    }

    /** Runs {@code ops drill api-not-responding} on a pseudo-terminal, typing {@code answer} at its prompt. */
    private Screen drillAtATerminal(Sandbox sandbox, String answer) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dops.root=" + Cli.projectRoot(), "-Dops.home=" + home, OpsCommand.class.getName(),
                "drill", "api-not-responding", "--env", sandbox.environmentFile().toString()));
        StringBuilder line = new StringBuilder();
        for (String c : command) line.append('\'').append(c.replace("'", "'\\''")).append("' ");
        Path in = Files.writeString(tmp.resolve("answer"), answer + "\n");
        Path screen = tmp.resolve("screen");
        Process p = new ProcessBuilder("script", "-qec", line.toString(), "/dev/null")
                .redirectInput(in.toFile()).redirectOutput(screen.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("the drill finished on the terminal").isTrue();
        String shown = Files.readString(screen, StandardCharsets.UTF_8).replace("\r", "").replaceAll("\u001B\\[[0-9;?]*[A-Za-z]", "");
        return new Screen(p.exitValue(), shown);
    }

    private static void assertHealed(Sandbox sandbox) {
        try (SandboxAccess access = SandboxAccess.open(sandbox)) {
            for (Probe probe : Scenarios.byName("api-not-responding").orElseThrow().probes()) {
                Observation seen = probe.observe(access);
                assertThat(seen.passed()).as("after the drill, " + probe.description() + ": " + seen.observed()).isTrue();
            }
        }
    }

    @Test
    void drill_whenThePersonApprovesAtThePrompt_runsTheRedeployAndPasses(Sandbox sandbox) throws Exception {
        Screen screen = drillAtATerminal(sandbox, "y");

        assertThat(screen.exitCode()).as(screen.text()).isZero();
        assertThat(screen.text()).contains("force-redeploy ecs service", "Apply this destructive effect in local? [y/N]")
                .contains("DRILL api-not-responding  PASSED  (recovered in ")
                .contains("4 action Force new deployment (rolling restart): ok")
                .doesNotContain("DECLINED").doesNotContain("what failed");
        assertHealed(sandbox);
    }

    @Test
    void drill_whenThePersonDeclinesAtThePrompt_failsSayingSoAndWhatStayedBrokenAndHeals(Sandbox sandbox) throws Exception {
        Screen screen = drillAtATerminal(sandbox, "n");

        assertThat(screen.exitCode()).as(screen.text()).isEqualTo(1);
        assertThat(screen.text()).contains("Apply this destructive effect in local? [y/N]", "DECLINED")
                .contains("DRILL api-not-responding  FAILED")
                .contains("4 action Force new deployment (rolling restart): refused")
                .contains("- the runbook was declined at the prompt, so nothing was changed: ")
                .contains("- still broken: the api service runs every desired task in one completed deployment")
                .contains("- still broken: no running api task fails its health check")
                .contains("heal: back to the seeded state");
        assertHealed(sandbox);
    }
}
