package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.OpsException;
import io.discordination.ops.Secret;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to resume an earlier run: its parameters (secrets given again), the action steps it
 * finished (skipped now) and the steps it died inside (run again, with a warning).
 *
 * <p>Rules: the runbook must be the same one with the same steps (kind and title, in order),
 * else the resume is refused (exit 2); a file whose code changed but whose steps did not gives
 * a warning, so a fixed step can be resumed. Check steps run again (reads are cheap and later
 * steps may need their results); advice is shown again; verify steps poll again.
 *
 * <p>A run is resumed once: the resuming run records itself in the old journal ({@code resumed-by}),
 * and a later resume of the old run is refused (exit 2), naming the run that resumed it. Each
 * skipped action's result is restored from the journal ({@link StepResults}), so later steps that
 * read it with {@code result("...")} work as in the first run.
 *
 * <pre>{@code Resume r = Resume.from(Journal.read(home, runId), runbook, givenParams);}</pre>
 */
public record Resume(String runId, String environment, Map<String, String> parameters, Set<String> finishedSteps,
                     List<String> interruptedSteps, List<String> warnings, Map<String, JsonNode> results,
                     String environmentFile, String environmentHash, String operator) {

    public static Resume from(Journal.Recorded recorded, Runbook runbook, Map<String, String> given) {
        JournalEvent.RunStarted start = recorded.start();
        String runId = start.runId();
        if (!runbook.name().equals(start.runbook())) {
            throw OpsException.builder("run " + runId + " ran runbook " + start.runbook() + ", not " + runbook.name())
                    .hint("resume it with: ops run " + start.runbook() + " --resume " + runId).invalidInput();
        }
        recorded.successor().ifPresent(next -> {
            throw OpsException.builder("run " + runId + " was resumed already, by run " + next
                            + "; a run is resumed once").hint("resume the newer run instead: ops run " + runbook.name()
                            + " --resume " + next + " (ops audit --run " + next + " shows what it did)").invalidInput();
        });
        recorded.finish().ifPresent(f -> {
            if ("ok".equals(f.outcome())) {
                throw OpsException.builder("run " + runId + " finished ok; there is nothing to resume").invalidInput();
            }
        });
        List<String> now = runbook.steps().stream().map(Step::key).toList();
        List<String> warnings = new ArrayList<>();
        if (!Objects.equals(start.steps(), now)) {
            throw OpsException.builder("runbook " + runbook.name() + " changed since run " + runId
                    + ": its steps are not the same (kind, title, order), so finished steps cannot be matched")
                    .hint("start a new run without --resume").invalidInput();
        }
        if (!Objects.equals(start.contentHash(), runbook.source().contentHash())) {
            warnings.add("runbook " + runbook.name() + " was edited since run " + runId
                    + "; its steps are the same, so finished actions are skipped and the rest run with the new code");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> journaled = start.parameters() == null ? Map.of() : start.parameters();
        for (Parameter p : runbook.parameters()) {
            String was = journaled.get(p.name());
            String now1 = given.get(p.name());
            if (p.isSecret()) {
                if (was != null && now1 == null) {
                    throw OpsException.builder("parameter '" + p.name() + "' is secret and is not in the journal of run " + runId
                            + ": give it again with --param " + p.name() + "=VALUE").invalidInput();
                }
                if (now1 != null) values.put(p.name(), now1);
            } else {
                if (now1 != null && was != null && !now1.equals(was)) {
                    throw OpsException.builder("parameter '" + p.name() + "' was '" + was + "' in run " + runId
                            + "; a resume keeps the run's parameters").hint("leave out --param " + p.name()
                            + ", or start a new run without --resume").invalidInput();
                }
                String v = now1 != null ? now1 : was;
                if (v != null && !Secret.MASK.equals(v)) values.put(p.name(), v);
            }
        }
        for (String key : given.keySet()) {
            if (runbook.parameter(key).isEmpty()) values.put(key, given.get(key)); // bind() reports it
        }
        List<String> interrupted = recorded.interruptedSteps();
        for (String step : interrupted) {
            warnings.add("run " + runId + " stopped inside step '" + step.substring(step.indexOf(':') + 1)
                    + "'; it runs again (check what it did before: ops audit --run " + runId + ")");
        }
        return new Resume(runId, start.environment(), values, recorded.finishedSteps(), interrupted, warnings,
                recorded.finishedResults(), start.environmentFile(), start.environmentHash(), start.who());
    }

    /**
     * Refuses (exit 2) an environment file other than the one the run used: another path, or the
     * same path with other content (a file of the same name copied over it). Journals older than
     * this check recorded no file and pass.
     */
    public void requireSameEnvironmentFile(java.nio.file.Path file) {
        requireSameEnvironmentFile(file, true);
    }

    /**
     * As {@link #requireSameEnvironmentFile(java.nio.file.Path)}; for a run that ran on another
     * machine ({@code sameMachine} false) the path may differ, as installations do, but the content may not.
     */
    public void requireSameEnvironmentFile(java.nio.file.Path file, boolean sameMachine) {
        if (environmentFile == null || file == null) return;
        String path = file.toAbsolutePath().normalize().toString();
        if (sameMachine && !path.equals(environmentFile)) {
            throw OpsException.builder("run " + runId + " ran with the environment file " + environmentFile + ", not " + path)
                    .hint("resume it with --env " + environmentFile).invalidInput();
        }
        if (environmentHash != null && !environmentHash.equals(Journal.hashOf(file))) {
            throw OpsException.builder("the environment file " + path + " changed since run " + runId
                            + " (its content is not the same), so the run's targets may not be the same")
                    .hint("put the file back as it was to resume, or start a new run without --resume").invalidInput();
        }
    }

    /** The typed result journaled for {@code step} when the earlier run finished it, or null. */
    public JsonNode resultOf(Step step) {
        return results == null ? null : results.get(step.key());
    }

    /** True when {@code step} is an action this run finished (or skipped because an earlier run did). */
    public boolean skips(Step step) {
        return step.kind() == Step.Kind.ACTION && finishedSteps.contains(step.key());
    }
}
