package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discordination.ops.CallCounter;
import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.aws.AwsCalls;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The calls each step made to each service, read from the context's counters before and after
 * the step: AWS per service and operation ({@link AwsCalls}), Redis commands per command and
 * PostgreSQL statements per verb ({@link CallCounter}). It passes every event on to the listener
 * it wraps; with a {@code debug} writer it prints one line per step there; {@link #annotate} adds
 * them to the report's JSON as {@code steps[].awsCalls}, {@code redisCommands} and
 * {@code postgresStatements}.
 *
 * <pre>{@code
 * StepCalls calls = StepCalls.of(context, reporter, null);
 * JsonNode json = calls.annotate(new RunbookRunner(context, calls).run(runbook, values, null));
 * }</pre>
 */
public final class StepCalls implements RunListener {
    private static final Map<String, Long> NONE = Map.of();

    private final AwsCalls counter;
    private final CallCounter redis;
    private final CallCounter postgres;
    private final RunListener next;
    private final PrintWriter debug;
    private final Map<Integer, Made> byStep = new LinkedHashMap<>();
    private Made before;

    /** What one step sent: AWS calls and attempts, Redis commands, PostgreSQL statements. */
    public record Made(AwsCalls.Snapshot aws, Map<String, Long> redisCommands, Map<String, Long> postgresStatements) {
        Made since(Made earlier) {
            return new Made(aws.since(earlier.aws), CallCounter.since(redisCommands, earlier.redisCommands),
                    CallCounter.since(postgresStatements, earlier.postgresStatements));
        }

        /** {@code AWS CloudWatchLogs:StartQuery=1; Redis INFO=1; PostgreSQL none}. */
        @Override
        public String toString() {
            return "AWS " + aws + "; Redis " + CallCounter.describe(redisCommands)
                    + "; PostgreSQL " + CallCounter.describe(postgresStatements);
        }
    }

    /** Counts from the context's AWS, Redis and PostgreSQL counters. */
    public static StepCalls of(OpsContext context, RunListener next, PrintWriter debug) {
        return new StepCalls(context.awsCalls(), context.redisCommands(), context.postgresStatements(), next, debug);
    }

    public StepCalls(AwsCalls counter, CallCounter redis, CallCounter postgres, RunListener next, PrintWriter debug) {
        this.counter = counter;
        this.redis = redis;
        this.postgres = postgres;
        this.next = next == null ? RunListener.NONE : next;
        this.debug = debug;
    }

    /** The AWS calls step {@code number} made; empty if it made none or did not run. */
    public AwsCalls.Snapshot of(int number) {
        Made made = byStep.get(number);
        return made == null ? new AwsCalls.Snapshot(Map.of(), Map.of()) : made.aws();
    }

    /** Everything step {@code number} sent; null if it did not run. */
    public Made made(int number) {
        return byStep.get(number);
    }

    private Made now() {
        return new Made(counter.snapshot(), redis == null ? NONE : redis.snapshot(), postgres == null ? NONE : postgres.snapshot());
    }

    @Override
    public void runStarted(Runbook runbook, RunReport header) {
        next.runStarted(runbook, header);
    }

    @Override
    public void stepStarted(Step step) {
        before = now();
        next.stepStarted(step);
    }

    @Override
    public void stepFinished(Step step, RunReport.StepReport report) {
        next.stepFinished(step, report);
        if (before != null) {
            Made made = now().since(before);
            byStep.put(step.number(), made);
            before = null;
            if (debug != null) {
                debug.println("ops: step " + step.number() + " calls: " + made);
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

    /**
     * The report as JSON, each step that ran carrying {@code awsCalls} (operation to count),
     * {@code awsAttempts}, {@code redisCommands} (command to count) and {@code postgresStatements}
     * (verb to count); an empty object when the step sent none.
     */
    public JsonNode annotate(RunReport report) {
        JsonNode tree = Json.mapper().valueToTree(report);
        if (tree.get("steps") instanceof ArrayNode steps) {
            for (JsonNode s : steps) {
                if (!(s instanceof ObjectNode step) || !step.has("number")) continue;
                Made made = byStep.get(step.get("number").asInt());
                if (made == null) continue;
                step.set("awsCalls", Json.mapper().valueToTree(made.aws().calls()));
                step.set("awsAttempts", Json.mapper().valueToTree(made.aws().attempts()));
                step.set("redisCommands", Json.mapper().valueToTree(made.redisCommands()));
                step.set("postgresStatements", Json.mapper().valueToTree(made.postgresStatements()));
            }
        }
        return tree;
    }
}
