package io.discordination.ops.drill;

import io.discordination.ops.sandbox.drill.Scenario;
import io.discordination.ops.sandbox.drill.Scenarios;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shipped runbook against its incident: its scenario breaks the sandbox (every probe fails),
 * no verify step of the runbook holds on the broken system, the runbook runs, and every probe
 * passes afterwards (for a runbook that only diagnoses: its report shows the evidence). A change
 * that makes a runbook stop fixing its incident, or a verify step that no longer tells, fails here.
 */
@ExtendWith(SandboxExtension.class)
class ShippedRunbookDrillsTest {
    static List<String> scenarios() {
        return Scenarios.all().stream().map(Scenario::name).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void drill_withTheShippedRunbook_endsTheIncident(String scenario) {
        DrillExtension.Outcome outcome = DrillExtension.drill(scenario, null);
        DrillReport report = outcome.report();

        assertThat(report.problems()).as("what the drill of %s found", scenario).isEmpty();
        assertThat(report.passed()).isTrue();
        assertThat(outcome.exitCode()).isZero();
        assertThat(report.probes()).isNotEmpty().allSatisfy(p -> assertThat(p.passedBefore()).as("%s after the break", p.probe()).isFalse());
        assertThat(report.verifyBefore()).noneSatisfy(v -> assertThat(v.held()).isTrue());
        if (report.diagnostic()) {
            assertThat(report.evidence()).isNotEmpty().allSatisfy(e -> assertThat(e.shown()).as(e.expected()).isTrue());
        } else {
            assertThat(report.probes()).allSatisfy(p -> assertThat(p.passedAfter()).as("%s after the runbook", p.probe()).isTrue());
            assertThat(report.recoverySeconds()).isNotNull();
        }
    }
}
