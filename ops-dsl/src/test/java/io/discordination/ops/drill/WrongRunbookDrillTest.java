package io.discordination.ops.drill;

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

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drills that must fail: a runbook that restarts the wrong service, a verify step that holds on the
 * broken system; and the command's refusals (unknown scenario, an environment that is not a
 * sandbox), which break nothing.
 */
@ExtendWith(SandboxExtension.class)
class WrongRunbookDrillTest {
    @TempDir
    static Path home;

    @Test
    @Drill(value = "api-not-responding", runbook = "ops-dsl/src/test/resources/drills/api-not-responding-redeploys-gateway.jsh")
    void drill_whenTheRunbookRedeploysGatewayInsteadOfApi_failsSayingWhatStayedBroken(DrillExtension.Outcome outcome) {
        DrillReport report = outcome.report();

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(report.passed()).isFalse();
        assertThat(report.runbook()).endsWith("api-not-responding-redeploys-gateway.jsh");
        assertThat(report.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("still broken: the api service runs every desired task in one completed deployment")
                .contains("1 of 2 tasks running"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("still broken: no running api task fails its health check").contains("2 of 2 running api tasks UNHEALTHY"));
        assertThat(report.probes()).allSatisfy(p -> assertThat(p.passedAfter()).isFalse());
    }

    @Test
    @Drill(value = "api-not-responding", runbook = "ops-dsl/src/test/resources/drills/api-not-responding-verify-always-true.jsh")
    void drill_whenTheVerifyStepHoldsOnTheBrokenSystem_reportsARunbookDefect(DrillReport report) {
        assertThat(report.passed()).isFalse();
        assertThat(report.verifyBefore()).singleElement().satisfies(v -> assertThat(v.held()).isTrue());
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).startsWith("runbook defect: its verify step 'The API service answers'"));
    }

    @Test
    void drill_whenTheScenarioIsUnknownOrTheEnvironmentIsNotASandbox_isBadInputAndBreaksNothing(Sandbox sandbox) throws Exception {
        Cli cli = new Cli(home, Cli.projectRoot());
        Path envFile = sandbox.environmentFile();

        Cli.Result unknown = cli.run("drill", "api-not-respondin", "--env", envFile.toString(), "--yes");
        Cli.Result staging = cli.run("drill", "api-not-responding", "--env", "staging", "--yes");
        Cli.Result allWithRunbook = cli.run("drill", "all", "--env", envFile.toString(), "--runbook", "runbooks/api-not-responding.jsh");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no scenario api-not-respondin").contains("api-not-responding");
        assertThat(staging.exitCode()).isEqualTo(2);
        assertThat(staging.err()).contains("only on a sandbox");
        assertThat(allWithRunbook.exitCode()).isEqualTo(2);
        try (SandboxAccess access = SandboxAccess.open(sandbox)) {
            for (Probe probe : Scenarios.byName("api-not-responding").orElseThrow().probes()) {
                Observation seen = probe.observe(access);
                assertThat(seen.passed()).as(probe.description() + ": " + seen.observed()).isTrue();
            }
        }
    }

    @Test
    void sandboxBreakAndHeal_revealTheScenarioAndWhetherItWasFixed(Sandbox sandbox) throws Exception {
        // break and heal act on the sandbox of OPS_HOME
        Cli cli = new Cli(sandbox.opsHome(), Cli.projectRoot());

        Cli.Result broke = cli.run("sandbox", "break", "kick-from-voice");
        Cli.Result again = cli.run("sandbox", "break", "--random");
        Cli.Result healed = cli.run("sandbox", "heal");

        assertThat(broke.exitCode()).as(broke.all()).isZero();
        assertThat(broke.out()).contains("broke: kick-from-voice");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("broken already");
        assertThat(healed.exitCode()).as(healed.all()).isZero();
        assertThat(healed.out()).contains("it was: kick-from-voice").contains("NO").contains("not fixed");
        assertThat(Files.exists(sandbox.directory().resolve("broken.properties"))).isFalse();
        try (SandboxAccess access = SandboxAccess.open(sandbox)) {
            assertThat(Scenarios.byName("kick-from-voice").orElseThrow().probes().get(0).observe(access).passed()).isTrue();
        }

        // a game day: the scenario stays hidden until heal names it
        Cli.Result hidden = cli.run("sandbox", "break", "--random");
        Cli.Result revealed = cli.run("sandbox", "heal");

        assertThat(hidden.exitCode()).as(hidden.all()).isZero();
        assertThat(hidden.all()).contains("Something in the sandbox is broken");
        for (var scenario : Scenarios.all()) assertThat(hidden.all()).doesNotContain(scenario.name());
        assertThat(revealed.exitCode()).as(revealed.all()).isZero();
        assertThat(revealed.out()).containsPattern("it was: (" + Scenarios.names().replace(", ", "|") + ") ");
    }
}
