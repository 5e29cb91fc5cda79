package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discordination.ops.Json;
import io.discordination.ops.aws.AwsCalls;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The AWS calls each step made, per service and operation, read from the context's
 * {@link AwsCalls} counter before and after the step. It passes every event on to the listener it
 * wraps; with a {@code debug} writer it prints one line per step there; {@link #annotate} adds
 * them to the report's JSON as {@code steps[].awsCalls}.
 *
 * <pre>{@code
 * StepCalls calls = new StepCalls(context.awsCalls(), reporter, null);
 * JsonNode json = calls.annotate(new RunbookRunner(context, calls).run(runbook, values, null));
 * }</pre>
 */
public final class StepCalls implements RunListener {
    private final AwsCalls counter;
    private final RunListener next;
    private final PrintWriter debug;
    private final Map<Integer, AwsCalls.Snapshot> byStep = new LinkedHashMap<>();
    private AwsCalls.Snapshot before;

    public StepCalls(AwsCalls counter, RunListener next, PrintWriter debug) {
        this.counter = counter;
        this.next = next == null ? RunListener.NONE : next;
        this.debug = debug;
    }

    /** The calls step {@code number} made; empty if it made none or did not run. */
    public AwsCalls.Snapshot of(int number) {
        return byStep.getOrDefault(number, new AwsCalls.Snapshot(Map.of(), Map.of()));
    }

    @Override
    public void runStarted(Runbook runbook, RunReport header) {
        next.runStarted(runbook, header);
    }

    @Override
    public void stepStarted(Step step) {
        before = counter.snapshot();
        next.stepStarted(step);
    }

    @Override
    public void stepFinished(Step step, RunReport.StepReport report) {
        next.stepFinished(step, report);
        if (before != null) {
            AwsCalls.Snapshot made = counter.snapshot().since(before);
            byStep.put(step.number(), made);
            before = null;
            if (debug != null) {
                debug.println("ops: step " + step.number() + " AWS calls: " + made);
                debug.flush();
            }
        }
    }

    @Override
    public void stepFailed(Step step, Throwable failure) {
        next.stepFailed(step, failure);
    }

    @Override
    public void runFinished(RunReport report) {
        next.runFinished(report);
    }

    @Override
    public void warning(String message) {
        next.warning(message);
    }

    /** The report as JSON, each step that ran carrying {@code awsCalls} (operation to count) and {@code awsAttempts}. */
    public JsonNode annotate(RunReport report) {
        JsonNode tree = Json.mapper().valueToTree(report);
        if (tree.get("steps") instanceof ArrayNode steps) {
            for (JsonNode s : steps) {
                if (!(s instanceof ObjectNode step) || !step.has("number")) continue;
                AwsCalls.Snapshot made = byStep.get(step.get("number").asInt());
                if (made == null) continue;
                step.set("awsCalls", Json.mapper().valueToTree(made.calls()));
                step.set("awsAttempts", Json.mapper().valueToTree(made.attempts()));
            }
        }
        return tree;
    }
}
