// For the lease tests: two effects on one target with a pause between them (longer while the file
// "<label>.gate" exists); a run holds the target's lease from the first to the end, so no other run's
// lines come between its two.
import io.discordination.ops.runbook.testing.Probe;

runbook("lease-pair", "Two appends to one file")
    .param(string("label").defaultValue("x"))
    .action("Append the first line", () -> Probe.append("pair-marker", param("label") + " 1"))
    .check("Pause", () -> {
            Thread.sleep(20);
            while (java.nio.file.Files.exists(Probe.file(param("label") + ".gate"))) Thread.sleep(50);
            return "paused";
        })
    .action("Append the second line", () -> Probe.append("pair-marker", param("label") + " 2"));
