// For the Ctrl-C test: the second action's effect stays in flight while the file "block" exists.
import io.discordination.ops.runbook.testing.Probe;

runbook("interrupt", "Interruptible")
    .action("First append", () -> Probe.append("interrupt-marker", "first"))
    .action("Append while blocked", () -> Probe.appendWhileBlocked("interrupt-marker", "second", "block"))
    .check("Count the lines", () -> Probe.lines("interrupt-marker").size());
