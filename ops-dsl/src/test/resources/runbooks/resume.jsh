// For the kill-and-resume test: the second action waits while the file "block" exists.
import io.discordination.ops.runbook.testing.Probe;

runbook("resume", "Resumable")
    .param(string("label").defaultValue("x"))
    .action("First append", () -> Probe.append("resume-marker", "first " + param("label")))
    .action("Blocking append", () -> Probe.appendAfter("resume-marker", "second " + param("label"), "block"))
    .check("Count the lines", () -> Probe.lines("resume-marker").size());
