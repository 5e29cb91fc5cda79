// For the preflight test: the policy refuses unless allow=yes, before the action changes anything.
import io.discordination.ops.runbook.testing.Probe;

runbook("policy", "Refused up front")
    .param(string("allow").defaultValue("no"))
    .policy("allow must be yes", () -> "yes".equals(param("allow")) ? null : "allow is " + param("allow"))
    .action("Append", () -> Probe.append("policy-marker", "changed"));
