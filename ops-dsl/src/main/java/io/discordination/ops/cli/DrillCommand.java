package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.drill.DrillReport;
import io.discordination.ops.drill.DrillRunner;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.runbook.RunListener;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.drill.Scenario;
import io.discordination.ops.sandbox.drill.Scenarios;
import io.discordination.ops.text.Progress;
import io.discordination.ops.text.Table;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ops drill NAME}: reproduces a runbook's incident in the sandbox, runs the runbook against
 * it and checks with probes of its own that the incident is over; then heals the sandbox.
 *
 * <pre>{@code ops drill api-not-responding --yes}</pre>
 */
@Command(name = "drill", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops drill --list",
                "  ops drill api-not-responding            asks y/N before each destructive step",
                "  ops drill all --yes --output json       every drill, for CI",
                "  ops drill api-not-responding --runbook ./my-edit.jsh --yes"},
        description = {"Break the sandbox with a runbook's incident, show the symptoms, run the runbook (its verify steps "
                + "must fail before the action), check with independent probes that the incident is over, report, heal. "
                + "Exit code 0 when every drill passed, 1 when one failed."})
final class DrillCommand extends OpsSubcommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "A scenario (the runbook's name), or all.")
    String name;

    @Option(names = "--list", description = "List the scenarios and their symptoms.")
    boolean list;

    @Option(names = "--runbook", paramLabel = "PATH", description = "Drill the incident with this script instead of the shipped runbook.")
    Path runbookPath;

    @Option(names = {"-y", "--yes"}, description = "Approve every destructive effect of the runbook without asking.")
    boolean yes;

    @Mixin
    EnvironmentOption environment;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        if (list) return list();
        if (name == null) {
            throw OpsException.builder("ops drill needs a scenario: one of " + Scenarios.names() + ", or all")
                    .hint("ops drill --list").invalidInput();
        }
        List<Scenario> scenarios;
        if (name.equals("all")) {
            if (runbookPath != null) throw OpsException.builder("--runbook drills one scenario, not all").invalidInput();
            scenarios = Scenarios.all();
        } else {
            scenarios = List.of(Scenarios.byName(name).orElseThrow(() -> OpsException.builder("no scenario " + name
                    + "; the scenarios: " + Scenarios.names()).hint("ops drill --list").invalidInput()));
        }
        if (runbookPath != null && !Files.isRegularFile(runbookPath)) {
            throw OpsException.builder("no runbook file " + runbookPath).invalidInput();
        }
        String envName = environment.nameOr("local");
        Sandbox sandbox = sandboxOf(envName);
        // scripts first: a runbook that does not compile is bad input, and nothing has been broken yet
        Map<Scenario, Runbook> runbooks = new LinkedHashMap<>();
        for (Scenario scenario : scenarios) {
            runbooks.put(scenario, RunbookInvocation.load(runbookPath != null ? runbookPath.toString() : scenario.name()));
        }
        PrintWriter out = out();
        PrintWriter err = err();
        Environment env = RunbookInvocation.environment(envName, err);
        boolean single = scenarios.size() == 1 && !output.isJson();
        RunListener display = single ? new ConsoleReporter(out, err, false).quiet(quiet()).colours(Terminal.colours())
                .environmentArgument(envName) : RunListener.NONE;
        Confirmer confirmer = noInput() ? Confirmer.nonInteractive(yes, null) : Confirmer.terminal(yes, null);
        DrillRunner runner = new DrillRunner(sandbox, env, OpsPaths.home(), confirmer, display, line -> {
            if (quiet()) return;
            err.println("drill: " + TerminalText.escape(line));
            err.flush();
        }).progress(single ? Progress.detectStyle() : Progress.Style.QUIET, System.err);

        List<DrillReport> reports = new ArrayList<>();
        long start = System.nanoTime();
        for (Map.Entry<Scenario, Runbook> e : runbooks.entrySet()) {
            DrillReport report = runner.drill(e.getKey(), e.getValue());
            reports.add(report);
            if (!output.isJson()) print(out, report);
        }
        boolean passed = reports.stream().allMatch(DrillReport::passed);
        if (output.isJson()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("passed", passed);
            doc.put("drills", reports);
            output.print(out, doc);
        } else if (reports.size() > 1) {
            Table table = Table.with("DRILL", "RESULT", "RECOVERED", "WHAT FAILED");
            for (DrillReport r : reports) {
                table.row(r.name(), r.passed() ? "passed" : "FAILED", r.recoverySeconds() == null ? "-" : r.recoverySeconds() + " s",
                        r.problems().isEmpty() ? "" : r.problems().get(0) + (r.problems().size() > 1 ? " (+" + (r.problems().size() - 1) + ")" : ""));
            }
            out.print(table);
            out.printf(Locale.ROOT, "%d of %d drills passed in %.0f s%n", reports.stream().filter(DrillReport::passed).count(),
                    reports.size(), (System.nanoTime() - start) / 1e9);
        }
        out.flush();
        return passed ? ExitCode.OK : ExitCode.FAILED;
    }

    /** The sandbox behind {@code envName}: {@code local}, or a sandbox's {@code local.yaml}; anything else is refused as bad input. */
    static Sandbox sandboxOf(String envName) {
        if (envName.equals("local")) return Sandbox.at(OpsPaths.home());
        Path file = Path.of(envName).toAbsolutePath().normalize();
        Path dir = file.getParent();
        if (file.getFileName().toString().equals("local.yaml") && dir != null && dir.getFileName() != null
                && dir.getFileName().toString().equals("sandbox") && Files.isRegularFile(dir.resolve("sandbox.json"))) {
            return Sandbox.at(dir.getParent());
        }
        throw OpsException.builder("drills break what they drill: they run only on a sandbox, not on " + envName)
                .hint("use --env local (the default) or a sandbox's OPS_HOME/sandbox/local.yaml").invalidInput();
    }

    private ExitCode list() {
        PrintWriter out = out();
        if (output.isJson()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Scenario s : Scenarios.all()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", s.name());
                row.put("symptoms", s.symptoms());
                row.put("probes", s.probes().stream().map(p -> p.description()).toList());
                rows.add(row);
            }
            output.print(out, rows);
        } else {
            Table table = Table.with("SCENARIO", "SYMPTOMS", "PROBES");
            for (Scenario s : Scenarios.all()) table.row(s.name(), s.symptoms(), s.probes().size());
            out.print(table);
        }
        out.flush();
        return ExitCode.OK;
    }

    static void print(PrintWriter out, DrillReport r) {
        out.println();
        out.println("DRILL " + r.name() + "  " + (r.passed() ? "PASSED" : "FAILED")
                + (r.recoverySeconds() == null ? "" : (r.diagnostic() ? "  (diagnosed in " : "  (recovered in ") + r.recoverySeconds() + " s)"));
        out.println("  runbook   " + r.runbook() + (r.runOutcome() == null ? "" : "  (" + r.runOutcome() + ")"));
        out.println("  symptoms  " + r.symptoms());
        if (!r.steps().isEmpty()) {
            out.println("  steps");
            r.steps().forEach(s -> out.println("    " + TerminalText.escape(s)));
        }
        if (r.verifyBefore().isEmpty()) {
            out.println("  verify steps: none");
        } else {
            out.println("  verify steps on the broken system (each must not hold)");
            r.verifyBefore().forEach(v -> out.println("    " + (v.held() ? "HOLDS  " : "ok     ") + v.step() + "  (" + TerminalText.escape(v.detail()) + ")"));
        }
        Table probes = Table.with("PROBE", "AFTER THE BREAK", "AFTER THE RUNBOOK");
        for (DrillReport.ProbeResult p : r.probes()) {
            probes.row(p.probe(), (p.passedBefore() ? "passes: " : "fails: ") + TerminalText.escape(p.before()),
                    p.passedAfter() == null ? "-" : (p.passedAfter() ? "passes: " : r.diagnostic() ? "still fails: " : "FAILS: ")
                            + TerminalText.escape(p.after()));
        }
        out.print(probes.toString().indent(2));
        if (!probes.toString().endsWith("\n")) out.println();
        if (r.evidence() != null) {
            out.println("  the runbook's output had to show");
            r.evidence().forEach(e -> out.println("    " + (e.shown() ? "shown    " : "MISSING  ") + TerminalText.escape(e.expected())));
        }
        if (!r.problems().isEmpty()) {
            out.println("  what failed");
            r.problems().forEach(p -> out.println("    - " + TerminalText.escape(p)));
        }
        out.flush();
    }
}
