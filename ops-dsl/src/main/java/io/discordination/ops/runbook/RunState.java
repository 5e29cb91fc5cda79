package io.discordination.ops.runbook;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parameters and step results of the run in progress, kept per {@link OpsContext}, so {@code param("user")} and {@code result("...")} in a step read the
 * run of the context that {@code Ops} has current, and nothing else holds it.
 */
public final class RunState {
    private final String runbook;
    private final Map<String, Object> parameters;
    private final Map<String, Object> results = new ConcurrentHashMap<>();
    private final Map<String, String> unavailable = new ConcurrentHashMap<>();
    private volatile Set<String> knownSteps = Set.of();

    RunState(String runbook, Map<String, Object> parameters) {
        this.runbook = runbook;
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * The run in progress per context. Weak keys: a closed context that nobody holds any more takes
     * its run with it, as it did when the run was one of the context's resources.
     */
    private static final Map<OpsContext, RunState> RUNS = Collections.synchronizedMap(new WeakHashMap<>());

    static void install(OpsContext context, RunState state) {
        RUNS.put(context, state);
    }

    static void clear(OpsContext context) {
        RUNS.remove(context);
    }

    /** The run of {@code context}, or an error saying that params and results exist only inside a step. */
    static RunState of(OpsContext context) {
        RunState state = RUNS.get(context);
        if (state == null) {
            throw new OpsException("param(...) and result(...) are available inside a runbook's steps, while it is planned or run");
        }
        return state;
    }

    Object parameter(String name) {
        if (!parameters.containsKey(name)) {
            throw OpsException.builder("runbook " + runbook + " has no parameter '" + name + "'")
                    .hint("declared: " + String.join(", ", parameters.keySet())).build();
        }
        return parameters.get(name);
    }

    void recordResult(String stepTitle, Object result) {
        if (result != null) results.put(stepTitle, result);
        unavailable.remove(stepTitle);
    }

    void markUnavailable(String stepTitle, String why) {
        unavailable.put(stepTitle, why);
    }

    Object result(String stepTitle) {
        Object r = results.get(stepTitle);
        if (r != null) return r;
        String why = unavailable.get(stepTitle);
        if (why != null) {
            throw OpsException.builder("the result of step '" + stepTitle + "' is not available: " + why).build();
        }
        if (!knownSteps.contains(stepTitle)) {
            throw OpsException.builder("runbook " + runbook + " has no step titled '" + stepTitle + "'")
                    .hint("result(...) takes the exact title of an earlier step").build();
        }
        return null;
    }

    void knownSteps(Set<String> titles) {
        this.knownSteps = Set.copyOf(titles);
    }
}
