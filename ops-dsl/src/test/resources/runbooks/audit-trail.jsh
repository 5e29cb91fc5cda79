// For the central audit trail tests: a change, a pause while the file "block" exists (a test cuts
// the trail meanwhile), then a destructive change.
import io.discordination.ops.runbook.testing.Probe;

runbook("audit-trail", "A change, a pause, a destructive change")
    .action("Append, then wait", () -> Probe.appendAfter("trail-marker", "first", "block"))
    .action("Append destructively", () -> Probe.appendDestructive("trail-marker", "second"));
