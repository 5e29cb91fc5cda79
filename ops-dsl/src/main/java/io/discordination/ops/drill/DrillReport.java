package io.discordination.ops.drill;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * What one drill found: whether the runbook ended its incident, how long that took, each probe
 * before and after, each verify step before the action, and in words what is still wrong. The
 * document {@code ops drill --output json} prints (one per drill).
 *
 * <pre>{@code if (!report.passed()) report.problems().forEach(System.out::println);}</pre>
 *
 * @param name              the scenario, which is the runbook's name
 * @param runbook           the script that was drilled (the shipped one, or {@code --runbook PATH})
 * @param symptoms          what the operator was told
 * @param diagnostic        the runbook only diagnoses: it passes by showing the evidence, not by ending the incident
 * @param passed            every check of the drill held
 * @param runOutcome        the runbook run's outcome: ok, failed, refused
 * @param runError          its one-line error, or null
 * @param recoverySeconds   from the start of the runbook until every probe passed (null when they did not)
 * @param steps             the runbook's steps as they ran, "1 check Check ECS task status: ok"
 * @param verifyBefore      each verify step evaluated once before the action, on the broken system
 * @param probes            each probe, before the break was treated and after the runbook
 * @param evidence          for a diagnostic runbook: what its output had to show, and whether it did
 * @param problems          what failed, in words ("still broken: api tasks pass their health checks (1 of 2 UNHEALTHY)")
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrillReport(String name, String runbook, String symptoms, boolean diagnostic, boolean passed,
                          String runOutcome, String runError, Double recoverySeconds, List<String> steps,
                          List<VerifyBefore> verifyBefore, List<ProbeResult> probes, List<Evidence> evidence,
                          List<String> problems) {

    /** A verify step on the broken system: it must not hold ({@code held} true is a defect of the runbook). */
    public record VerifyBefore(String step, boolean held, String detail) {
    }

    /** A probe after the break and after the runbook. */
    public record ProbeResult(String probe, boolean passedBefore, String before, Boolean passedAfter, String after) {
    }

    /** A word a diagnostic runbook's output had to show. */
    public record Evidence(String expected, boolean shown) {
    }
}
