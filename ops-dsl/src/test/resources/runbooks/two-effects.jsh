// For the refusal-after-a-change test: the second action is destructive, so without --yes it is refused after the first changed.
import io.discordination.ops.runbook.testing.Probe;

runbook("two-effects", "A change, then a refused one")
    .action("Append", () -> Probe.append("two-marker", "first"))
    .action("Append destructively", () -> Probe.appendDestructive("two-marker", "second"));
