package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.Inverses;
import io.discordination.ops.Json;
import io.discordination.ops.JsonLines;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.Redactor;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code ops undo RUN_ID}: the inverses of a run's finished effects, as their audit lines recorded
 * them, planned newest first and then run through the gate (confirmation, locks, audit). Effects
 * without an inverse are listed as ones that cannot be undone. Each inverse done is recorded under
 * {@code OPS_HOME/undo/<env>/<run>.jsonl}, so a run is undone once, and an undo that stopped half
 * way goes on with what remains.
 */
@Command(name = "undo", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops undo 20250101-120000-a1b2                 plan the inverses, confirm, run them",
                "  ops --env prod undo 20250101-120000-a1b2 --yes --confirm-env prod",
                "  ops undo 20250101-120000-a1b2 --output json"},
        description = {"Undo a run: plan the inverses of its finished effects (newest first), then run them with the same "
                + "confirmation, locks and audit as a run. Effects that cannot be undone (a flush, a rolling restart, "
                + "deleted sessions) are listed as such."})
final class UndoCommand extends OpsSubcommand {
    @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run to undo (ops audit shows run ids).")
    String runId;

    @Mixin
    EnvironmentOption environment;

    @Mixin
    ConfirmationOptions confirmation;

    @Mixin
    OutputOption output;

    /** One finished effect of the run and its inverse, or null with why it cannot be undone. */
    record Step(String finishedAt, Effect effect, Effect inverse, String status) {
    }

    /** What {@code --output json} prints. */
    record Report(String runId, String environment, String undoRunId, List<Step> steps) {
    }

    @Override
    protected ExitCode execute() {
        if (!runId.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw OpsException.builder("Invalid run id '" + runId + "'").hint("ops audit shows run ids").invalidInput();
        }
        Environment env = RunbookInvocation.environmentAhead(environment.name(), err()).get();
        AuditLog log = AuditLog.forEnvironment(OpsPaths.home(), env.name(), new Redactor());
        List<AuditLog.Record> records = log.read().stream().filter(r -> runId.equals(r.runId())).toList();
        if (records.isEmpty()) {
            throw OpsException.builder("No run " + runId + " in the audit log of " + env.name())
                    .hint("ops audit --env " + env.name() + " lists the runs; give --env for another environment").invalidInput();
        }
        Path done = OpsPaths.home().resolve("undo").resolve(env.name()).resolve(runId + ".jsonl");
        Set<String> undone = undone(done);
        List<Step> steps = new ArrayList<>();
        List<AuditLog.Record> finished = new ArrayList<>(records.stream().filter(r -> "ok".equals(r.event()) && r.effect() != null).toList());
        java.util.Collections.reverse(finished);
        for (AuditLog.Record r : finished) {
            String at = r.time().toString();
            if (r.undo() == null) {
                steps.add(new Step(at, r.effect(), null, ConsoleReporter.notUndoable(r.effect().inverse())));
            } else {
                steps.add(new Step(at, r.effect(), r.undo(), undone.contains(key(at, r.effect())) ? "undone" : "to undo"));
            }
        }
        redeploysAfterSecrets(finished, steps, undone);
        boolean anyUndone = steps.stream().anyMatch(s -> "undone".equals(s.status()));
        List<Step> remaining = steps.stream().filter(s -> "to undo".equals(s.status()) || REDEPLOY.equals(s.status())).toList();
        if (anyUndone && remaining.isEmpty()) {
            throw OpsException.builder("Run " + runId + " was already undone").environment(env.name())
                    .hint("its inverses are recorded in " + done + "; nothing was changed").refused();
        }
        if (!output.isJson()) printPlan(env.name(), steps);
        if (remaining.isEmpty()) {
            if (output.isJson()) output.print(out(), new Report(runId, env.name(), null, steps));
            else out().println("nothing to undo");
            return ExitCode.OK;
        }
        Confirmer confirmer = confirmation.confirmer(noInput());
        List<Step> result = new ArrayList<>(steps);
        try (OpsContext context = RunbookInvocation.open(env, false, confirmer, spec)) {
            RegistryNotice.say(context.registry(), spec);
            for (Step s : remaining) {
                if (!output.isJson()) {
                    out().println("undoing: " + TerminalText.escape(context.redactor().redact(s.inverse().summary())));
                    out().flush();
                }
                Object what = Inverses.perform(context, s.inverse());
                record(done, new Done(Instant.now(), context.runId(), key(s.finishedAt(), s.effect()), s.inverse()), context.redactor());
                result.set(result.indexOf(s), new Step(s.finishedAt(), s.effect(), s.inverse(), "undone"));
                if (!output.isJson() && what != null) out().println(TerminalText.escapeKeepingLines(context.redactor().redact(what.toString())));
            }
            if (output.isJson()) output.print(out(), new Report(runId, env.name(), context.runId(), result));
            else out().println("undone: run " + runId + " (undo run " + context.runId() + ")");
        }
        return ExitCode.OK;
    }

    /** The status of a redeploy that follows a secret moved back, so the services load the restored value. */
    private static final String REDEPLOY = "then redeploy";

    /**
     * A run that rotated a secret and then redeployed services made them load the new value; moving
     * AWSCURRENT back does not reach them. So when a secret is to be moved back, each service the run
     * redeployed after that rotation is redeployed again, once, after every inverse has run.
     */
    private static void redeploysAfterSecrets(List<AuditLog.Record> finishedNewestFirst, List<Step> steps, Set<String> undone) {
        Instant rotated = null;
        for (Step s : steps) {
            if (s.inverse() != null && "restore-previous-version".equals(s.inverse().verb())) {
                Instant at = Instant.parse(s.finishedAt());
                if (rotated == null || at.isBefore(rotated)) rotated = at;
            }
        }
        if (rotated == null) return;
        Set<String> services = new HashSet<>();
        List<AuditLog.Record> oldestFirst = new ArrayList<>(finishedNewestFirst);
        java.util.Collections.reverse(oldestFirst);
        for (AuditLog.Record r : oldestFirst) {
            Effect e = r.effect();
            if (!"force-redeploy".equals(e.verb()) || r.time().isBefore(rotated) || !services.add(e.target())) continue;
            // the recorded redeploy, as the handle described it, is what runs again
            String at = r.time().toString();
            steps.add(new Step(at, e, e, undone.contains(key(at, e)) ? "undone" : REDEPLOY));
        }
    }

    private void printPlan(String env, List<Step> steps) {
        out().println("Undo of run " + runId + " in " + env + " (newest first):");
        for (Step s : steps) {
            Effect shown = s.inverse() != null ? s.inverse() : s.effect();
            String label = s.inverse() != null ? s.status() : "CANNOT BE UNDONE";
            if (REDEPLOY.equals(s.status())) {
                out().println("  " + REDEPLOY + ": " + TerminalText.escape(shown.summary())
                        + "   (it loaded the rotated secret; this loads the restored one)");
                continue;
            }
            out().println("  " + label + ": " + TerminalText.escape(shown.summary())
                    + (s.inverse() != null ? "   (inverse of " + TerminalText.escape(s.effect().summary()) + ")"
                    : "   (" + TerminalText.escape(s.status()) + ")"));
            if (s.inverse() != null && "to undo".equals(s.status())) {
                String with = Effect.parametersText(s.inverse().parameters());
                if (!with.isEmpty()) out().println("      with: " + TerminalText.escape(with));
                if (s.inverse().command() != null) out().println("      $ " + TerminalText.escape(Effect.shownCommand(s.inverse().command())));
            }
        }
        out().flush();
    }

    /** One inverse done, a line of the undo record. */
    record Done(Instant time, String undoRunId, String key, Effect inverse) {
    }

    private static String key(String finishedAt, Effect effect) {
        return finishedAt + " " + effect.summary();
    }

    private static Set<String> undone(Path file) {
        Set<String> keys = new HashSet<>();
        if (!Files.isRegularFile(file)) return keys;
        try {
            for (Done d : JsonLines.read(file, Done.class).records()) keys.add(d.key());
        } catch (IOException e) {
            throw OpsException.builder("Cannot read " + file + ": " + e.getMessage()).cause(e).build();
        }
        return keys;
    }

    private static void record(Path file, Done done, Redactor redactor) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, redactor.redact(Json.write(done)) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw OpsException.builder("Cannot record the undo in " + file + ": " + e.getMessage())
                    .hint("the inverse ran; check that OPS_HOME is writable").cause(e).build();
        }
    }
}
