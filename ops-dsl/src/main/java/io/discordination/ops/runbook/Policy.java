package io.discordination.ops.runbook;

/**
 * A rule a run must satisfy before it starts: the runner checks every policy of a runbook before
 * its first step, in plan and in run, so a run that would be refused half-way is refused before
 * it changes anything. A refusal goes through the Gate (audited, exit 3).
 *
 * <pre>{@code
 * .policy("The database password can be rotated", () -> rotatable ? null : "it has no rotation function")
 * }</pre>
 *
 * @param title what the rule requires, shown with the refusal
 * @param check returns null when the run may go ahead, else why it is refused
 */
public record Policy(String title, Check check) {
    /** Reads what the rule needs (parameters, the environment, remote state) and decides; it changes nothing. */
    @FunctionalInterface
    public interface Check {
        String refusal() throws Exception;
    }
}
