package io.discordination.ops.drill;

import io.discordination.ops.OpsContext;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.runbook.RunListener;
import io.discordination.ops.runbook.RunReport;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookRunner;
import io.discordination.ops.runbook.Step;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.drill.Observation;
import io.discordination.ops.sandbox.drill.Probe;
import io.discordination.ops.sandbox.drill.SandboxAccess;
import io.discordination.ops.sandbox.drill.Scenario;
import io.discordination.ops.text.Progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;


/**
 * A drill: breaks the sandbox with a {@link Scenario}, shows the symptoms (every probe must fail),
 * runs the runbook, evaluating each of its verify steps once before its first action (none may
 * hold on the broken system), then polls the probes until they pass, and heals the sandbox, whatever
 * happened. The runbook runs in an executing context on the sandbox's {@code local} environment,
 * journaled and audited like any run.
 *
 * <pre>{@code
 * DrillReport report = new DrillRunner(sandbox, environment, opsHome, Confirmer.approveAll(), RunListener.NONE, line -> { })
 *         .drill(Scenarios.byName("api-not-responding").orElseThrow(), runbook);
 * }</pre>
 */
public final class DrillRunner {
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

    private final Sandbox sandbox;
    private final Environment environment;
    private final java.nio.file.Path opsHome;
    private final Confirmer confirmer;
    private final RunListener display;
    private final Consumer<String> say;
    private Progress.Style progressStyle = Progress.Style.QUIET;
    private PrintStream progressOut = System.err;

    /**
     * @param environment the sandbox's {@code local} environment (drills never run anywhere else)
     * @param opsHome     where the run's journal and audit go
     * @param display     follows the runbook's steps (the console reporter), may be {@link RunListener#NONE}
     * @param say         the drill's own lines: break, symptoms, verify checks, probes, heal
     */
    public DrillRunner(Sandbox sandbox, Environment environment, java.nio.file.Path opsHome, Confirmer confirmer,
                       RunListener display, Consumer<String> say) {
        this.sandbox = sandbox;
        this.environment = environment;
        this.opsHome = opsHome;
        this.confirmer = confirmer;
        this.display = display == null ? RunListener.NONE : display;
        this.say = say == null ? line -> { } : say;
    }

    /** Progress bars of the runbook's waits (a rollout, a verify's polling); quiet by default. */
    public DrillRunner progress(Progress.Style style, PrintStream out) {
        this.progressStyle = style;
        this.progressOut = out;
        return this;
    }

    /** Drills {@code runbook} against {@code scenario}'s incident; the sandbox is healed before this returns. */
    public DrillReport drill(Scenario scenario, Runbook runbook) {
        List<String> problems = new ArrayList<>();
        try (SandboxAccess access = SandboxAccess.open(sandbox)) {
            try {
                return drill(scenario, runbook, access, problems);
            } finally {
                long t0 = System.nanoTime();
                say.accept("heal: reseeding " + String.join(", ", scenario.touches().stream().sorted().toList()));
                scenario.heal(access);
                say.accept(String.format(Locale.ROOT, "heal: back to the seeded state in %.1f s", seconds(t0)));
            }
        }
    }

    private DrillReport drill(Scenario scenario, Runbook runbook, SandboxAccess access, List<String> problems) {
        String file = runbook.source().displayName();
        say.accept("break: " + scenario.name());
        try {
            scenario.breakIt(access);
        } catch (Exception e) {
            problems.add("the scenario could not break the sandbox: " + message(e));
            return new DrillReport(scenario.name(), file, scenario.symptoms(), false, false, null, null, null, List.of(),
                    List.of(), List.of(), null, problems);
        }
        say.accept("symptoms: " + scenario.symptoms());
        List<Probe> probes = scenario.probes();
        List<Observation> before = observe(probes, access);
        for (int i = 0; i < probes.size(); i++) {
            Observation seen = before.get(i);
            say.accept("  probe " + (seen.passed() ? "PASSES" : "fails ") + "  " + probes.get(i).description() + ": " + seen.observed());
            if (seen.passed()) {
                problems.add("the scenario did not break what this probe checks: " + probes.get(i).description() + " (" + seen.observed() + ")");
            }
        }
        List<String> evidenceWords;
        Map<String, String> params;
        try {
            evidenceWords = scenario.evidence(access);
            params = scenario.runbookParams(access);
        } catch (Exception e) {
            problems.add("the scenario could not read the sandbox: " + message(e));
            return new DrillReport(scenario.name(), file, scenario.symptoms(), false, false, null, null, null, List.of(),
                    List.of(), results(probes, before, null), null, problems);
        }
        boolean diagnostic = !evidenceWords.isEmpty();

        VerifyBeforeAction verifies = new VerifyBeforeAction(runbook, display, say);
        long start = System.nanoTime();
        RunReport run;
        say.accept("runbook: " + file + (params.isEmpty() ? "" : " " + params));
        try (OpsContext context = OpsContext.builder().environment(environment).opsHome(opsHome).confirmer(confirmer)
                .progress(progressStyle, progressOut).build()) {
            run = new RunbookRunner(context, verifies).run(runbook, runbook.bind(params), null);
        } catch (RuntimeException e) {
            problems.add("the runbook could not be run: " + message(e));
            return new DrillReport(scenario.name(), file, scenario.symptoms(), diagnostic, false, "failed", message(e), null,
                    List.of(), verifies.results(), results(probes, before, null), null, problems);
        }
        for (DrillReport.VerifyBefore v : verifies.results()) {
            if (v.held()) {
                problems.add("runbook defect: its verify step '" + v.step() + "' holds on the broken system, so it cannot tell a fix from no fix");
            }
        }

        List<Observation> after;
        Double recovery = null;
        List<DrillReport.Evidence> evidence = null;
        if (diagnostic) {
            after = observe(probes, access);
            String shown = output(run);
            evidence = new ArrayList<>();
            for (String word : evidenceWords) {
                boolean found = shown.contains(word);
                evidence.add(new DrillReport.Evidence(word, found));
                if (!found) problems.add("the runbook's output does not show: " + word);
            }
            // its verify may fail (the incident is still there); anything else stopping it is a failure
            boolean stoppedOnlyAtVerify = run.ok() || run.steps().stream().filter(s -> "failed".equals(s.status()))
                    .allMatch(s -> "verify".equals(s.kind()));
            if (!stoppedOnlyAtVerify || "refused".equals(run.outcome())) problems.add(runProblem(run));
            if (problems.isEmpty()) recovery = seconds(start);
        } else {
            if (!run.ok()) problems.add(runProblem(run));
            after = awaitRecovery(probes, access, run.ok() ? scenario.recoveryWait() : Duration.ZERO);
            if (after.stream().allMatch(Observation::passed)) recovery = seconds(start);
            for (int i = 0; i < probes.size(); i++) {
                if (!after.get(i).passed()) problems.add("still broken: " + probes.get(i).description() + " (" + after.get(i).observed() + ")");
            }
        }
        for (int i = 0; i < probes.size(); i++) {
            Observation seen = after.get(i);
            say.accept("  probe " + (seen.passed() ? "passes" : "FAILS ") + "  " + probes.get(i).description() + ": " + seen.observed());
        }
        List<String> steps = run.steps().stream().map(s -> s.number() + " " + s.kind() + " " + s.title() + ": " + s.status()).toList();
        return new DrillReport(scenario.name(), file, scenario.symptoms(), diagnostic, problems.isEmpty(), run.outcome(),
                run.error(), recovery, steps, verifies.results(), results(probes, before, after), evidence, List.copyOf(problems));
    }

    /** Why the run stopped, in words: a person's "no" at the prompt is said as such, not as a failure of the runbook. */
    private static String runProblem(RunReport run) {
        if ("refused".equals(run.outcome()) && run.error() != null && run.error().contains(Confirmer.DECLINED)) {
            return "the runbook was declined at the prompt, so nothing was changed: " + run.error();
        }
        return "the runbook " + run.outcome() + ": " + run.error();
    }

    /** Polls until every probe passes or {@code wait} has passed; the last observations. */
    private static List<Observation> awaitRecovery(List<Probe> probes, SandboxAccess access, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<Observation> seen = observe(probes, access);
            if (seen.stream().allMatch(Observation::passed) || System.nanoTime() >= deadline) return seen;
            try {
                Thread.sleep(PROBE_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return seen;
            }
        }
    }

    private static List<Observation> observe(List<Probe> probes, SandboxAccess access) {
        return probes.stream().map(p -> p.observe(access)).toList();
    }

    private static List<DrillReport.ProbeResult> results(List<Probe> probes, List<Observation> before, List<Observation> after) {
        List<DrillReport.ProbeResult> out = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            Observation b = before.get(i);
            Observation a = after == null ? null : after.get(i);
            out.add(new DrillReport.ProbeResult(probes.get(i).description(), b.passed(), b.observed(),
                    a == null ? null : a.passed(), a == null ? null : a.observed()));
        }
        return out;
    }

    /** What the operator saw of the run: every step's result as text, and its error. */
    private static String output(RunReport run) {
        StringBuilder all = new StringBuilder();
        for (RunReport.StepReport s : run.steps()) {
            if (s.resultText() != null) all.append(s.resultText()).append('\n');
            if (s.result() != null) all.append(s.result()).append('\n');
            if (s.error() != null) all.append(s.error()).append('\n');
        }
        if (run.error() != null) all.append(run.error());
        return all.toString();
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /**
     * Passes every event on to the display, and just before the runbook's first action (or, in a
     * runbook without one, its first verify step) evaluates each verify step once: inside the run,
     * so {@code param(...)} and the checks' {@code result(...)} are there as the step would see them.
     */
    private static final class VerifyBeforeAction implements RunListener {
        private final List<Step> verifySteps;
        private final RunListener display;
        private final Consumer<String> say;
        private final List<DrillReport.VerifyBefore> results = new ArrayList<>();
        private boolean done;

        VerifyBeforeAction(Runbook runbook, RunListener display, Consumer<String> say) {
            this.verifySteps = runbook.steps().stream().filter(s -> s.kind() == Step.Kind.VERIFY).toList();
            this.display = display;
            this.say = say;
        }

        List<DrillReport.VerifyBefore> results() {
            return List.copyOf(results);
        }

        @Override
        public void runStarted(Runbook runbook, RunReport header) {
            display.runStarted(runbook, header);
        }

        @Override
        public void stepStarted(Step step) {
            if (!done && (step.kind() == Step.Kind.ACTION || step.kind() == Step.Kind.VERIFY)) {
                done = true;
                for (Step verify : verifySteps) {
                    DrillReport.VerifyBefore seen = evaluate(verify);
                    results.add(seen);
                    say.accept("  verify before the action: '" + verify.title() + "' "
                            + (seen.held() ? "HOLDS on the broken system (a defect of the runbook)" : "does not hold (" + seen.detail() + ")"));
                }
            }
            display.stepStarted(step);
        }

        private static DrillReport.VerifyBefore evaluate(Step verify) {
            try {
                boolean held = verify.condition().holds();
                return new DrillReport.VerifyBefore(verify.title(), held, held ? "holds" : "false");
            } catch (Exception e) {
                String m = e.getMessage();
                return new DrillReport.VerifyBefore(verify.title(), false,
                        "error: " + (m == null || m.isBlank() ? e.getClass().getSimpleName() : m));
            }
        }

        @Override
        public void stepFinished(Step step, RunReport.StepReport report) {
            display.stepFinished(step, report);
        }

        @Override
        public void stepFailed(Step step, Throwable failure) {
            display.stepFailed(step, failure);
        }

        @Override
        public void runFinished(RunReport report) {
            display.runFinished(report);
        }

        @Override
        public void warning(String message) {
            display.warning(message);
        }
    }

}
