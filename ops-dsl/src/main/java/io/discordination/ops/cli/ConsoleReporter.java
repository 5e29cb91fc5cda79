package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.gate.CommandFile;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.runbook.RunListener;
import io.discordination.ops.runbook.RunReport;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.Step;
import io.discordination.ops.text.Durations;
import io.discordination.ops.text.ShellWords;
import io.discordination.ops.text.TerminalText;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;

/**
 * Prints a plan or run as it goes, numbered like the seed runbook: each step's title and kind, its
 * equivalent commands, its result's table (or the effects a plan would apply), then a summary
 * with the run id and the journal. With {@code --output json} only one line per step goes to
 * stderr and the document comes at the end. Results, errors and effects carry remote text (log
 * lines, room names, task reasons): everything printed here passes through
 * {@link TerminalText#printWriter}, so none of it can move the cursor or rewrite a line.
 */
final class ConsoleReporter implements RunListener {
    private static final int RESULT_LINES = 40;

    private final PrintWriter out;
    /** The same stream unescaped: only for the colour sequences this class writes itself. */
    private final PrintWriter rawOut;
    private final PrintWriter err;
    private final boolean json;
    private final long startNanos = System.nanoTime();
    private int total;
    private Throwable failure;
    private boolean quiet;
    private Terminal colours = Terminal.plain();
    private String environmentArgument;
    private java.nio.file.Path commandsHome;

    ConsoleReporter(PrintWriter out, PrintWriter err, boolean json) {
        this.rawOut = out;
        this.out = TerminalText.printWriter(out);
        this.err = TerminalText.printWriter(err);
        this.json = json;
    }

    /** Where a command too long to print whole is kept ({@link CommandFile}): OPS_HOME. */
    ConsoleReporter commandsHome(java.nio.file.Path opsHome) {
        this.commandsHome = opsHome;
        return this;
    }

    /** Only failures and the summary: {@code --quiet}. */
    ConsoleReporter quiet(boolean quiet) {
        this.quiet = quiet;
        return this;
    }

    /** FAILED, refused and destructive in colour (at a terminal). */
    ConsoleReporter colours(Terminal colours) {
        this.colours = colours;
        return this;
    }

    /** The {@code --env} as given (a name or a path): what the printed resume and run commands repeat. */
    ConsoleReporter environmentArgument(String given) {
        this.environmentArgument = given;
        return this;
    }

    @Override
    public void runStarted(Runbook runbook, RunReport header) {
        total = runbook.steps().size();
        if (json || quiet) return;
        boolean plan = "plan".equals(header.mode());
        out.println(runbook.title() + "  (" + runbook.name() + ": " + (plan ? "plan" : "run " + header.runId())
                + ", environment " + header.environment() + (plan ? ", nothing will change" : "")
                + (header.resumedFrom() == null ? "" : ", resuming " + header.resumedFrom()) + ")");
        if (runbook.symptoms() != null) out.println("Symptoms: " + runbook.symptoms());
        if (!header.parameters().isEmpty()) {
            StringBuilder sb = new StringBuilder("Parameters:");
            for (Map.Entry<String, String> e : header.parameters().entrySet()) {
                if (e.getValue() != null) sb.append(' ').append(e.getKey()).append('=').append(io.discordination.ops.gate.Effect.valueText(e.getValue()));
            }
            out.println(sb);
        }
        out.println();
        out.flush();
    }

    /** What the failed step (or the checks before the first step) threw: for {@code --debug}. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void stepFailed(Step step, Throwable failure) {
        this.failure = failure;
    }

    @Override
    public void warning(String message) {
        if (quiet) return;
        err.println("ops: warning: " + message);
        err.flush();
    }

    @Override
    public void stepStarted(Step step) {
        if (quiet) return;
        if (json) {
            err.println("ops: step " + step.number() + "/" + total + " " + step.title() + " ...");
            err.flush();
            return;
        }
        out.println(step.number() + ". " + step.title() + "  [" + step.kind().label() + "]");
        out.flush();
    }

    @Override
    public void stepFinished(Step step, RunReport.StepReport r) {
        if (quiet) {
            // the step that stopped the run still says which it was and why; everything else waits for the summary
            if (json || !isStopped(r)) return;
            out.println(step.number() + ". " + step.title() + "  [" + step.kind().label() + "]");
            stopLine(r);
            out.flush();
            return;
        }
        if (json) {
            err.println("ops: step " + step.number() + "/" + total + " " + r.status() + (r.error() == null ? "" : ": " + r.error()));
            err.flush();
            return;
        }
        if ("skipped".equals(r.status())) {
            out.println(step.number() + ". " + step.title() + "  [" + step.kind().label() + ": skipped, " + r.text() + "]");
            out.println();
            out.flush();
            return;
        }
        if (r.commands() != null) r.commands().forEach(c -> out.println("   $ " + c.replace("\n", "\n     ")));
        switch (r.status()) {
            case "shown" -> {
                out.println("   Manual step: do this yourself; ops does not do it.");
                if (r.text() != null) indent(r.text());
            }
            case "not-polled" -> out.println("   would verify: poll until it holds, for up to "
                    + Durations.format(step.timeout()) + ", every " + Durations.format(step.interval()));
            case "planned" -> {
                if (r.effects() == null || r.effects().isEmpty()) {
                    out.println("   would change nothing");
                }
                for (RunReport.PlannedEffect e : r.effects() == null ? java.util.List.<RunReport.PlannedEffect>of() : r.effects()) {
                    out.print("   would: " + e.summary());
                    if (e.destructive()) {
                        out.print("  ");
                        coloured(colours.red("(destructive)"));
                    }
                    out.println();
                    // the resolved values ("keys=5000") say how much it would touch
                    if (e.parameters() != null && !e.parameters().isEmpty()) out.println("     with: " + io.discordination.ops.gate.Effect.parametersText(e.parameters()));
                    if (e.command() != null) printCommand(e.command());
                    if (Boolean.FALSE.equals(e.undoable())) out.println("     " + notUndoable(e.inverse()));
                }
            }
            default -> {
                // what a run did, each effect with the command that does the same by hand
                for (RunReport.PlannedEffect e : r.effects() == null ? java.util.List.<RunReport.PlannedEffect>of() : r.effects()) {
                    out.println(("ok".equals(r.status()) ? "   did: " : "   started: ") + e.summary());
                    if (e.command() != null) printCommand(e.command());
                }
            }
        }
        if (r.resultText() != null && !"planned".equals(r.status())) indent(r.resultText());
        stopLine(r);
        out.println();
        out.flush();
    }

    /**
     * An effect's command on its line; one too long to show whole (thousands of WAF addresses) is cut
     * at a word, and the next line says where the whole of it is: a file under OPS_HOME that a person
     * can run, as the cut text cannot be pasted.
     */
    private void printCommand(String command) {
        if (!Effect.commandIsCut(command) || commandsHome == null) {
            out.println("     $ " + Effect.shownCommand(command));
            return;
        }
        String start = Effect.commandStart(command);
        java.nio.file.Path file;
        try {
            file = CommandFile.save(commandsHome, command);
        } catch (RuntimeException e) {
            out.println("     $ " + Effect.shownCommand(command));
            return;
        }
        out.println("     $ " + start + " \u2026");
        out.println(String.format("     (cut: %,d of %,d characters shown, so not for pasting; the whole command is in %s,"
                + " to run with: sh %s; --output json and the audit record have it too)", start.length(), command.length(), file, file));
    }

    /** What a plan says of an effect that ops undo cannot reverse, with the way back by hand if there is one. */
    static String notUndoable(String inverse) {
        if (inverse == null) return "cannot be undone";
        if (inverse.startsWith("cannot be undone")) return inverse;
        return "cannot be undone by ops undo; " + inverse;
    }

    /** FAILED or, for a refusal, DECLINED (answered no) or REFUSED (no terminal, no --yes, a runbook's own refusal). */
    private void stopLine(RunReport.StepReport r) {
        if ("failed".equals(r.status())) {
            out.print("   ");
            coloured(colours.red("FAILED"));
            out.println(": " + r.error());
        }
        if ("refused".equals(r.status())) {
            out.print("   ");
            coloured(colours.yellow(isDeclined(r.error()) ? "DECLINED" : "REFUSED"));
            out.println(": " + r.error());
        }
    }

    /** A word in colour: written past the escaping writer, whose text is flushed first so the order holds. */
    private void coloured(String word) {
        out.flush();
        rawOut.print(word);
        rawOut.flush();
    }

    @Override
    public void runFinished(RunReport report) {
        if (json) return;
        long checks = count(report, "check");
        long actions = count(report, "action");
        long skipped = report.steps().stream().filter(s -> "skipped".equals(s.status())).count();
        String took = Durations.format(Duration.ofMillis((System.nanoTime() - startNanos) / 1_000_000));
        if ("plan".equals(report.mode())) {
            long effects = report.steps().stream().mapToLong(s -> s.effects() == null ? 0 : s.effects().size()).sum();
            long destructive = report.steps().stream().flatMap(s -> s.effects() == null ? java.util.stream.Stream.empty() : s.effects().stream())
                    .filter(RunReport.PlannedEffect::destructive).count();
            if (report.ok()) {
                out.println("Plan: " + plural(checks, "check") + " ran, " + plural(actions, "action") + " would apply "
                        + plural(effects, "effect") + " (" + destructive + " destructive). Nothing was changed.");
                out.println("Run it: ops run " + report.runbook() + paramsText(report) + environmentText(report));
            } else {
                out.println("Plan " + (report.exitCode() == ExitCode.REFUSED.code() ? "refused" : "failed") + " " + where(report) + " (exit "
                        + report.exitCode() + "). Nothing was changed.");
            }
        } else {
            if (report.ok()) {
                out.println("Run " + report.runId() + " finished ok in " + took + ": " + plural(checks, "check") + ", " + plural(actions, "action")
                        + (skipped > 0 ? ", " + skipped + " skipped (finished before)" : "") + ".");
            } else {
                String outcome = "refused".equals(report.outcome()) && isDeclined(report.error()) ? "declined" : report.outcome();
                out.println("Run " + report.runId() + " " + outcome + " " + where(report) + " (exit " + report.exitCode() + "). "
                        + ("refused".equals(report.outcome()) ? "To go on" : "After fixing the cause") + ": ops run "
                        + report.runbook() + " --resume " + report.runId() + environmentText(report));
                // say exactly what the run changed before it stopped: "nothing" only when that is true
                if (report.changed() == null || report.changed().isEmpty()) {
                    out.println("Nothing was changed by this run.");
                } else {
                    out.println("Changed by this run before it stopped:");
                    report.changed().forEach(c -> out.println("  - " + c));
                }
            }
            out.println("Journal: " + report.journal());
        }
        out.flush();
    }

    /** The --env to repeat: as it was given (a path stays a path), nothing for the default local. */
    private String environmentText(RunReport report) {
        String given = environmentArgument != null ? environmentArgument : report.environment();
        if (given == null || "local".equals(given)) return "";
        return " --env " + ShellWords.quote(given);
    }

    /** The step that stopped the run: it failed or was refused. */
    private static boolean isStopped(RunReport.StepReport r) {
        return "failed".equals(r.status()) || "refused".equals(r.status());
    }

    /** A refusal because the operator answered no (not for want of a terminal or --yes). */
    static boolean isDeclined(String error) {
        return error != null && error.contains(io.discordination.ops.gate.Confirmer.DECLINED);
    }

    private static String paramsText(RunReport report) {
        StringBuilder sb = new StringBuilder();
        report.parameters().forEach((k, v) -> {
            if (v != null) sb.append(" --param ").append(ShellWords.quote(k + "=" + v));
        });
        return sb.toString();
    }

    private static long count(RunReport report, String kind) {
        return report.steps().stream().filter(s -> kind.equals(s.kind()) && !"skipped".equals(s.status())).count();
    }

    private static String where(RunReport report) {
        int step = failedStep(report);
        return step == 0 ? "before step 1" : "at step " + step;
    }

    private static int failedStep(RunReport report) {
        return report.steps().stream().filter(ConsoleReporter::isStopped).mapToInt(RunReport.StepReport::number).findFirst().orElse(0);
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /** Prints a result indented under its step, cut after {@value #RESULT_LINES} lines: a terminal is not a log viewer. */
    private void indent(String text) {
        String[] lines = text.split("\n");
        int shown = 0;
        for (String line : lines) {
            if (line.isEmpty()) continue;
            if (shown == RESULT_LINES) {
                out.println("   ... " + (lines.length - RESULT_LINES) + " more lines (--output json shows everything)");
                return;
            }
            out.println("   " + line);
            shown++;
        }
    }
}
