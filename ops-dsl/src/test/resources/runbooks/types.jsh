// One parameter of every type; the only step writes a marker, so a test sees whether anything ran.
import io.discordination.ops.runbook.testing.Probe;

runbook("types", "Every Parameter Type")
    .param(string("text"))
    .param(integer("count").min(1).max(100))
    .param(duration("since"))
    .param(userId("user"))
    .param(channelId("channel"))
    .param(cidr("block").many())
    .param(choice("scope", "api-cache", "rate-limits", "everything"))
    .param(snapshotId("snapshot"))
    .param(bool("force"))
    .param(secretString("token"))
    .action("Write the marker", () -> Probe.append("types-marker",
        param("text") + " " + param("count") + " " + param("since") + " " + param("user") + " " + param("channel")
        + " " + param("block") + " " + param("scope") + " " + param("snapshot") + " " + param("force") + " " + param("token")));
