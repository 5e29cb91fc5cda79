// For the confirmation tests: one destructive effect (removes the marker file).
import io.discordination.ops.runbook.testing.Probe;

runbook("destructive", "Destructive")
    .check("Read the marker", () -> Probe.lines("marker"))
    .action("Remove the marker", () -> Probe.remove("marker"));
