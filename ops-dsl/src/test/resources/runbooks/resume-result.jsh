// For the resume test of results: the verify step reads what the action returned, also when a resume skipped it.
import io.discordination.ops.runbook.testing.Probe;

runbook("resume-result", "Resumable with a result")
    .action("Append", () -> Probe.append("result-marker", "appended " + System.nanoTime()))
    .check("Fail while asked to", () -> Probe.lines("fail").isEmpty() ? "went on" : Probe.fail("asked to fail"))
    .verify("The appended line is in the file", () -> {
            Probe.Appended appended = result("Append");
            return Probe.lines("result-marker").contains(appended.line());
        })
    .timeout(seconds(3)).every(seconds(1));
