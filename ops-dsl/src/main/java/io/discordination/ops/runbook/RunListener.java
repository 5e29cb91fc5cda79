package io.discordination.ops.runbook;

/**
 * Follows a plan or run as it goes, for printing progress. Every method has an empty default.
 *
 * <pre>{@code new RunbookRunner(context, new RunListener() { public void stepFinished(RunReport.StepReport s) { ... } })}</pre>
 */
public interface RunListener {
    /** Before the first step; {@code header} has no steps and no outcome yet. */
    default void runStarted(Runbook runbook, RunReport header) {
    }

    default void stepStarted(Step step) {
    }

    /** After a step finished, failed, was skipped, shown or planned. */
    default void stepFinished(Step step, RunReport.StepReport report) {
    }

    /** Before {@link #stepFinished} of a failed step, with what it threw; {@code step} is null for a refused preflight. */
    default void stepFailed(Step step, Throwable failure) {
    }

    default void runFinished(RunReport report) {
    }

    /** A warning for the operator (a resumed runbook whose file changed). */
    default void warning(String message) {
    }

    RunListener NONE = new RunListener() {
    };
}
