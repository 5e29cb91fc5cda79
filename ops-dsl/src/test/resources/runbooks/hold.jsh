// For the target lock test: the action stays inside its effect while the file "block" exists.
import io.discordination.ops.runbook.testing.Probe;

runbook("hold", "Hold a target")
    .param(string("label").defaultValue("x"))
    .action("Append and hold", () -> Probe.appendHolding("lock-marker", param("label"), "block"));
