// For the two-contexts test: two runs of it at once in one JVM, on two threads. Both meet before
// each read, so each reads while the other run's context is current on the other thread.
import io.discordination.ops.runbook.testing.Probe;

runbook("two-contexts", "Two contexts at once")
    .check("Meet the other run", () -> Probe.meet("two-contexts-before"))
    .action("Append from a thread the step starts", () -> Probe.appendOnNewThread("seen", "appended in " + environment().name()))
    .check("Meet again", () -> Probe.meet("two-contexts-after"));
