// The same runbook as probe.groovy: plans and runs must match.
import io.discordination.ops.runbook.testing.Probe;

runbook("probe", "Probe Runbook")
    .section("Service Recovery")
    .symptoms("A test of every step kind.")
    .param(string("label").description("What to write"))
    .param(duration("since").defaultValue("10m"))
    .param(choice("mode", "fast", "careful").defaultValue("fast"))
    .check("Read the marker", "cat ${logs.probe}/marker", () -> Probe.lines("marker"))
    .action("Write the marker", Probe.APPEND,
        () -> Probe.append("marker", param("label") + " " + param("mode") + " " + ((Duration) param("since")).toMinutes() + "m"))
    .advice("Tell the team", "Post in #ops that the marker was written.")
    .verify("The marker is there", () -> Probe.lines("marker").size() == ((List<?>) result("Read the marker")).size() + 1)
    .timeout(seconds(5)).every(Duration.ofMillis(100));
