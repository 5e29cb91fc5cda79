package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.discordination.ops.ExitCode;
import io.discordination.ops.Json;
import io.discordination.ops.Ops;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Operator;
import io.discordination.ops.gate.Plan;
import io.discordination.ops.text.Progress;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans or runs a {@link Runbook} in an {@link OpsContext}: a dry-run context plans (checks run,
 * actions record their effects, verify steps are not polled, nothing changes), an executing
 * context runs, writing the run's {@link Journal}. The runbook's {@link Policy policies} are
 * checked first, so a run they refuse changes nothing. Steps run in order; the first failure stops
 * the run, and the report lists the effects already applied. A run holds its {@link RunLock}, and the leases of the targets it changes until it ends ({@link io.discordination.ops.registry.RunLeases}). Parameters must be bound ({@link Runbook#bind}) before, so bad input never gets here.
 *
 * <pre>{@code
 * RunReport report = new RunbookRunner(context, listener).run(runbook, runbook.bind(params), null);
 * }</pre>
 */
public final class RunbookRunner {
    private final OpsContext context;
    private final RunListener listener;
    /** The parameters of the run in progress, as shown: what step commands are rendered with. */
    private Map<String, String> shownParameters = Map.of();

    private final boolean jsonResults;

    /** The journal and step of the run in progress, for {@link #interrupted}. */
    private volatile Journal runningJournal;
    private volatile Step runningStep;

    public RunbookRunner(OpsContext context, RunListener listener) {
        this(context, listener, true);
    }

    /**
     * With {@code jsonResults} false, a plan's step results are kept as text only (a run always
     * has them as JSON, for its journal): a plan printed as text then never pays for serializing
     * them, which is a tenth of a second at start-up.
     */
    public RunbookRunner(OpsContext context, RunListener listener, boolean jsonResults) {
        this.context = context;
        this.listener = listener == null ? RunListener.NONE : listener;
        this.jsonResults = jsonResults;
    }

    /** Plans (dry-run context) or runs (executing context) {@code runbook} with bound {@code values}; {@code resume} may be null. */
    public RunReport run(Runbook runbook, Map<String, Object> values, Resume resume) {
        if (context.isDryRun()) return runLocked(runbook, values, resume);
        // the run's own lock: while it goes on, no one can resume it
        try (RunLock ignored = RunLock.acquire(context.opsHome(), context.runId(), "run " + context.runId() + " of " + runbook.name())) {
            if (context.leases() != null) context.leases().runbook(runbook.name());
            return runLocked(runbook, values, resume);
        } finally {
            // the run's leases last until it ends: no other run slips in between two of its effects
            if (context.leases() != null) context.leases().close();
        }
    }

    private RunReport runLocked(Runbook runbook, Map<String, Object> values, Resume resume) {
        boolean dryRun = context.isDryRun();
        Redactor redactor = context.redactor();
        Map<String, String> shown = runbook.shown(values);
        this.shownParameters = shown;
        for (Parameter p : runbook.parameters()) {
            Object v = values.get(p.name());
            if (p.isSecret() && v != null) registerSecret(redactor, v);
        }
        Journal journal = dryRun ? null : Journal.create(context.opsHome(), context.runId(), redactor);
        runningJournal = journal;
        String mode = dryRun ? "plan" : "run";
        String resumedFrom = resume == null ? null : resume.runId();
        RunReport header = new RunReport(context.runId(), runbook.name(), runbook.title(), runbook.source().displayName(),
                context.environment().name(), mode, shown, resumedFrom, List.of(), null, 0, null,
                journal == null ? null : journal.file().toString(), null);
        listener.runStarted(runbook, header);
        if (resume != null) resume.warnings().forEach(listener::warning);

        RunState state = new RunState(runbook.name(), values);
        Set<String> titles = new HashSet<>();
        runbook.steps().forEach(s -> titles.add(s.title()));
        state.knownSteps(titles);
        RunState.install(context, state);

        if (journal != null) {
            RunRecorder recorder = RunRecorder.start(context, journal, this::fence, listener::warning);
            if (recorder != null) journal.observe(recorder::journaled);
            java.nio.file.Path envFile = context.environment().source();
            // with a registry, the run is the team's: it names the AWS caller identity, as the audit does
            String identity = recorder == null ? null : context.awsIdentity();
            journal.append(new JournalEvent.RunStarted(Instant.now(), context.runId(), runbook.name(),
                    runbook.source().file().toAbsolutePath().toString(), runbook.source().contentHash(),
                    runbook.steps().stream().map(Step::key).toList(), context.environment().name(), mode, shown, resumedFrom,
                    Operator.osUser().user(), envFile == null ? null : envFile.toAbsolutePath().normalize().toString(),
                    Journal.hashOf(envFile), identity, RunRecorder.host(), resume == null ? null : resume.operator()));
        }
        List<RunReport.StepReport> reports = new ArrayList<>();
        String outcome = "ok";
        int exitCode = ExitCode.OK.code();
        String error = null;
        try (Ops.Scope ignored = Ops.use(context)) {
            try {
                preflight(runbook);
            } catch (RuntimeException e) {
                error = redactor.redact(runbook.source().displayName() + ": " + (e instanceof OpsException.RefusedException
                        ? "refused before step 1: " : "the checks before step 1 failed: ") + messageOf(e));
                exitCode = ExitCode.of(e).code();
                outcome = exitCode == ExitCode.REFUSED.code() ? "refused" : "failed";
                listener.stepFailed(null, e);
            }
            for (Step step : error == null ? runbook.steps() : List.<Step>of()) {
                if (resume != null && resume.skips(step)) {
                    JsonNode carried = restoreResult(step, resume, state);
                    RunReport.StepReport r = new RunReport.StepReport(step.number(), step.kind().label(), step.title(), "skipped",
                            null, commands(step), null, null, null, null, "finished in run " + resume.runId());
                    if (journal != null) journal.append(JournalEvent.StepSkipped.of(context.runId(), step,
                            "finished in run " + resume.runId(), carried));
                    reports.add(r);
                    listener.stepFinished(step, r);
                    continue;
                }
                listener.stepStarted(step);
                runningStep = step;
                if (journal != null) journal.append(JournalEvent.StepStarted.of(context.runId(), step));
                long t0 = System.nanoTime();
                appliedBeforeStep = context.gate().applied().size();
                try {
                    StepOutcome done = perform(step, dryRun, state, t0);
                    RunReport.StepReport r = done.report();
                    if (journal != null) journal.append(JournalEvent.StepFinished.of(context.runId(), step, r.durationMs(),
                            summary(r), step.kind() == Step.Kind.ACTION ? StepResults.write(done.result(), redactor) : null));
                    reports.add(r);
                    listener.stepFinished(step, r);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    // a refusal (declined at the prompt, no terminal) is not a failure: nothing was changed
                    boolean refused = e instanceof OpsException.RefusedException;
                    String message = redactor.redact(runbook.source().where(e) + ": step " + step.number() + " '" + step.title()
                            + (refused ? "': " : "' failed: ") + messageOf(e));
                    RunReport.StepReport r = new RunReport.StepReport(step.number(), step.kind().label(), step.title(),
                            refused ? "refused" : "failed",
                            elapsedMs(t0), commands(step), effectsOf(step), null, null, message, null);
                    if (journal != null) journal.append(JournalEvent.StepFailed.of(context.runId(), step, elapsedMs(t0), message));
                    reports.add(r);
                    listener.stepFailed(step, e);
                    listener.stepFinished(step, r);
                    error = message;
                    // a step may find bad input too (a restore target that exists): exit 2 like any other
                    exitCode = ExitCode.of(e).code();
                    outcome = exitCode == ExitCode.REFUSED.code() ? "refused" : "failed";
                    break;
                }
            }
        } finally {
            RunState.clear(context);
            runningStep = null;
            runningJournal = null;
        }
        if (journal != null) journal.append(new JournalEvent.RunFinished(Instant.now(), context.runId(), runbook.name(), error, outcome, exitCode));
        List<String> changed = dryRun ? null : context.gate().applied().stream().map(e -> e.summary()).toList();
        RunReport report = new RunReport(header.runId(), header.runbook(), header.title(), header.file(), header.environment(),
                mode, shown, resumedFrom, List.copyOf(reports), outcome, exitCode, error, header.journal(), changed);
        listener.runFinished(report);
        return report;
    }

    /**
     * The process is being stopped (Ctrl-C, SIGTERM) while this runner runs: ends the audit of the
     * effect in flight and writes a {@code run-interrupted} line (the step it stopped in) to the
     * journal, so that {@code --resume} runs that step again. Called from a shutdown hook while
     * the run's own thread may still be going; returns the step it stopped in, or null when no run
     * is in progress.
     */
    public Step interrupted(String reason) {
        Journal journal = runningJournal;
        Step step = runningStep;
        if (journal == null) return null;
        String effect = context.gate().interrupted(reason);
        journal.append(JournalEvent.RunInterrupted.of(context.runId(), step, reason + (effect == null ? "" : "; in flight: " + effect)));
        return step;
    }

    /**
     * What the run's registry writes must prove: that it still holds the leases it took. This is
     * where the run's leases plug in; until the run takes leases it holds none.
     */
    private java.util.List<software.amazon.awssdk.services.dynamodb.model.TransactWriteItem> fence() {
        return io.discordination.ops.registry.Fence.NONE.conditions();
    }

    /**
     * Checks every {@link Policy} of the runbook before its first step; the first that refuses is
     * refused through the Gate (audited when executing), so nothing has changed yet.
     */
    private void preflight(Runbook runbook) {
        for (Policy policy : runbook.policies()) {
            String refusal;
            try {
                refusal = policy.check().refusal();
            } catch (OpsException.RefusedException e) {
                refusal = e.getMessage();
            } catch (Exception e) {
                throw OpsException.builder("the policy '" + policy.title() + "' could not be checked: " + messageOf(e))
                        .hint("nothing was changed").cause(e).build();
            }
            if (refusal != null) {
                Effect checked = Effect.on("ops", "runbook " + runbook.name()).verb("preflight").param("policy", policy.title()).build();
                throw context.gate().refuse(checked, policy.title() + ": " + refusal);
            }
        }
    }

    /** Puts a skipped action's journaled result back into the run; returns it to journal again (null when there is none). */
    private JsonNode restoreResult(Step step, Resume resume, RunState state) {
        JsonNode typed = resume.resultOf(step);
        if (typed == null) {
            state.markUnavailable(step.title(), "the step was skipped: it finished in run " + resume.runId()
                    + ", whose journal has no result for it");
            return null;
        }
        try {
            state.recordResult(step.title(), StepResults.restore(typed, context));
        } catch (Exception | LinkageError e) {
            state.markUnavailable(step.title(), "the step was skipped: it finished in run " + resume.runId()
                    + ", and its journaled result could not be restored (" + messageOf(e) + ")");
        }
        return typed;
    }

    /** A step's report and what its body returned. */
    private record StepOutcome(RunReport.StepReport report, Object result) {
    }

    private StepOutcome perform(Step step, boolean dryRun, RunState state, long t0) throws Exception {
        Object result = null;
        String status = "ok";
        switch (step.kind()) {
            case CHECK -> result = step.body().run();
            case ACTION -> {
                context.plan().step(step.title());
                try {
                    result = step.body().run();
                } finally {
                    context.plan().step(null);
                }
                if (dryRun) status = "planned";
            }
            case ADVICE -> status = "shown";
            case VERIFY -> {
                if (dryRun) status = "not-polled";
                else result = poll(step);
            }
        }
        state.recordResult(step.title(), result);
        JsonNode json = result == null || (dryRun && !jsonResults) ? null : toJson(result);
        String text = result == null ? null : context.redactor().redact(String.valueOf(result));
        return new StepOutcome(new RunReport.StepReport(step.number(), step.kind().label(), step.title(), status, elapsedMs(t0),
                commands(step), step.kind() == Step.Kind.ACTION ? effectsOf(step) : null, json, text, null, step.text()),
                result);
    }

    private Verification poll(Step step) throws Exception {
        Instant start = Instant.now();
        Instant deadline = start.plus(step.timeout());
        int attempts = 0;
        Throwable last = null;
        try (Progress progress = context.progress("verify: " + step.title(), -1).unit("attempts")) {
            while (true) {
                attempts++;
                progress.advance(1);
                try {
                    if (step.condition().holds()) {
                        return new Verification(step.title(), attempts, Duration.between(start, Instant.now()));
                    }
                    last = null;
                } catch (OpsException.RefusedException e) {
                    throw e;
                } catch (Exception e) {
                    last = e;
                }
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) break;
                Thread.sleep(Math.min(step.interval().toMillis(), left.toMillis()));
            }
        }
        String why = "did not hold within " + io.discordination.ops.text.Durations.format(step.timeout()) + " (" + attempts
                + (attempts == 1 ? " attempt" : " attempts") + (last == null ? "" : "; last error: " + messageOf(last)) + ")";
        throw new OpsException("verify " + why, last);
    }

    /** The effects the step planned (a plan) or started (a run), as the Gate redacted them, with their commands. */
    private List<RunReport.PlannedEffect> effectsOf(Step step) {
        List<io.discordination.ops.gate.Effect> of = new ArrayList<>();
        if (context.isDryRun()) {
            // a plan says, before anything runs, which effects ops undo can reverse
            return context.plan().entries().stream().filter(e -> step.title().equals(e.step()))
                    .map(e -> new RunReport.PlannedEffect(e.effect().summary(), e.effect().destructive(), e.effect().command(),
                            e.effect().inverse(), e.effect().parameters(), e.effect().template(), e.undoable())).toList();
        } else {
            List<io.discordination.ops.gate.Effect> applied = context.gate().applied();
            if (appliedBeforeStep < applied.size()) of.addAll(applied.subList(appliedBeforeStep, applied.size()));
            if (of.isEmpty()) return null;
        }
        return of.stream().map(e -> new RunReport.PlannedEffect(e.summary(), e.destructive(), e.command(), e.inverse(),
                e.parameters(), e.template(), null)).toList();
    }

    /** How many effects the gate had started when the current step began: the step's own come after. */
    private int appliedBeforeStep;

    private List<String> commands(Step step) {
        if (step.commands().isEmpty()) return null;
        StepCommands template = StepCommands.of(context.environment(), shownParameters);
        return step.commands().stream().map(template::render).map(context.redactor()::redact).toList();
    }


    private JsonNode toJson(Object result) {
        try {
            String redacted = context.redactor().redact(Json.write(result));
            return Json.mapper().readTree(redacted);
        } catch (Exception e) {
            return TextNode.valueOf(context.redactor().redact(String.valueOf(result)));
        }
    }

    private static String summary(RunReport.StepReport r) {
        if (r.result() == null) return r.status();
        String json = r.result().toString();
        return json.length() > Journal.SUMMARY_LIMIT ? json.substring(0, Journal.SUMMARY_LIMIT) + "..." : json;
    }

    private static void registerSecret(Redactor redactor, Object v) {
        if (v instanceof io.discordination.ops.Secret s) redactor.register(s);
        else if (v != null) redactor.register(io.discordination.ops.Secret.of(String.valueOf(v)));
    }

    static String messageOf(Throwable e) {
        if (e instanceof OpsException) return e.getMessage();
        String m = e.getMessage();
        String type = e.getClass().getSimpleName();
        return m == null || m.isBlank() ? type : type + ": " + m;
    }

    private static long elapsedMs(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
