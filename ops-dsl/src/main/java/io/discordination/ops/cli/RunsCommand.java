package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.env.Environment;
import io.discordination.ops.registry.Registry;
import io.discordination.ops.registry.RunHistory;
import io.discordination.ops.registry.RunRecord;
import io.discordination.ops.runbook.Journal;
import io.discordination.ops.runbook.JournalEvent;
import io.discordination.ops.runbook.RunRecorder;
import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Table;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ops runs} and {@code ops runs show RUN_ID}: the runs of an environment, every operator's
 * (from the registry; without one, this machine's journals), newest first, and one run's steps
 * with their outcomes from its journal (this machine's, or the registry's copy of another's).
 *
 * <pre>{@code ops runs --env prod --active}</pre>
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops runs --env prod --since 1h             every operator's runs of the last hour",
                "  ops runs --env prod --active               the runs going on now",
                "  ops runs show 20250101-120000-a1b2 --env prod",
                "  ops run restore-db-backup --env prod --resume 20250101-120000-a1b2   take a stale run over"},
        description = {"List the runs of an environment, every operator's: run id, runbook, operator, host, start, state "
                + "(running, ok, failed, refused, interrupted; a running run whose heartbeat stopped shows as stale) and current step."},
        subcommands = RunsCommand.Show.class)
final class RunsCommand extends OpsSubcommand {
    @Mixin
    EnvironmentOption environment;

    @Option(names = "--active", description = "Only runs going on now (running, heartbeat fresh).")
    boolean active;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only runs started in this last while (10m, 1h, 7d).")
    String since;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most this many runs (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        if (limit < 1) throw OpsException.builder("--limit must be at least 1, not " + limit).invalidInput();
        Instant from = since == null ? null : Instant.now().minus(Durations.parse(since));
        try (OpsContext context = open(environment, this)) {
            RunHistory history = context.registry().runs();
            List<RunRecord> runs = history.list(from, active, limit);
            Instant now = Instant.now();
            if (output.isJson()) {
                output.print(out(), runs.stream().map(r -> shown(r, now)).toList());
                return ExitCode.OK;
            }
            Table table = Table.with("RUN", "RUNBOOK", "OPERATOR", "HOST", "STARTED", "STATE", "STEP");
            for (RunRecord r : runs) {
                table.row(r.runId(), r.runbook(), shortOperator(r.operator()), r.host(), r.started().truncatedTo(ChronoUnit.SECONDS),
                        r.shownState(now), r.step() == null ? "-" : r.step());
            }
            output.print(out(), table);
            if (runs.size() == limit) err().println("ops: the newest " + limit + " shown; --limit or --since for others");
            if (runs.isEmpty()) err().println("ops: no " + (active ? "active " : "") + "runs of " + context.environment().name()
                    + (since == null ? "" : " in the last " + since) + " (" + context.registry().describe() + ")");
            return ExitCode.OK;
        }
    }

    /** A context to read the registry with (it changes nothing), saying once when team state is local. */
    static OpsContext open(EnvironmentOption environment, OpsSubcommand command) {
        Environment env = environment.load();
        OpsContext context = OpsContext.builder().environment(env).opsHome(OpsPaths.home()).dryRun().build();
        Registry registry = context.registry();
        RegistryNotice.say(registry, command.spec);
        RunRecorder.sendUnsent(registry.runs(), OpsPaths.home(), env.name(), m -> command.err().println("ops: " + m));
        command.err().flush();
        return context;
    }

    /** An ARN without its account: {@code user/alice}, {@code assumed-role/OnCall/alice}. */
    static String shortOperator(String operator) {
        if (operator == null) return "-";
        return operator.startsWith("arn:") ? operator.substring(operator.lastIndexOf(':') + 1) : operator;
    }

    /** A run as JSON: every field of its record, with how it is shown ({@code shown}) and whether it is stale. */
    static com.fasterxml.jackson.databind.node.ObjectNode shown(RunRecord r, Instant now) {
        com.fasterxml.jackson.databind.node.ObjectNode node = io.discordination.ops.Json.mapper().valueToTree(r);
        node.put("shown", r.shownState(now));
        node.put("stale", r.stale(now));
        return node;
    }

    /** {@code ops runs show RUN_ID}: one run's steps and their outcomes. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one run: who ran it where, and each step with its outcome, from its journal (this machine's, "
                    + "or the registry's copy when it ran on another machine).")
    static final class Show extends OpsSubcommand {
        @Mixin
        EnvironmentOption environment;

        @Parameters(paramLabel = "RUN_ID", description = "The run (see ops runs).")
        String runId;

        @Mixin
        OutputOption output;

        @Override
        protected ExitCode execute() {
            Path local = Journal.fileOf(OpsPaths.home(), runId); // exit 2 for what is no run id
            try (OpsContext context = open(environment, this)) {
                RunHistory history = context.registry().runs();
                Optional<RunRecord> record = history.find(runId);
                Journal.Recorded journal = null;
                if (Files.isRegularFile(local)) {
                    journal = Journal.read(OpsPaths.home(), runId);
                } else {
                    Optional<byte[]> shared = history.journal(runId);
                    if (shared.isPresent()) journal = Journal.parse(Path.of(runId + ".jsonl"), shared.get());
                }
                if (journal == null && record.isEmpty()) {
                    throw OpsException.builder("No run " + runId + " in " + context.environment().name() + " ("
                            + context.registry().describe() + ")").hint("ops runs lists the runs").invalidInput();
                }
                Instant now = Instant.now();
                List<Map<String, Object>> steps = journal == null ? List.of() : steps(journal);
                if (output.isJson()) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("run", record.map(r -> shown(r, now)).orElse(null));
                    doc.put("operators", journal == null ? List.of() : operators(journal));
                    doc.put("steps", steps);
                    output.print(out(), doc);
                    return ExitCode.OK;
                }
                JournalEvent.RunStarted start = journal == null ? null : journal.start();
                String runbook = record.map(RunRecord::runbook).orElse(start == null ? "?" : start.runbook());
                out().println("Run " + runId + " of " + runbook + ": " + record.map(r -> r.shownState(now)).orElse(
                        journal.finish().map(JournalEvent.RunFinished::outcome).orElse("no end in its journal")));
                if (start != null) {
                    out().println("  started " + start.time().truncatedTo(ChronoUnit.SECONDS) + " by " + start.who()
                            + (start.host() == null ? "" : " on " + start.host())
                            + (start.resumedFrom() == null ? "" : ", resuming run " + start.resumedFrom()
                            + (start.resumedFromOperator() == null ? "" : " of " + start.resumedFromOperator())));
                }
                record.filter(r -> r.resumedBy() != null).ifPresent(r -> out().println("  resumed by run " + r.resumedBy()
                        + (r.resumedByOperator() == null ? "" : " (" + r.resumedByOperator() + ")")));
                if (journal == null) {
                    err().println("ops: the journal of run " + runId + " is neither on this machine nor in the registry");
                } else {
                    Table table = Table.with("STEP", "KIND", "TITLE", "OUTCOME", "MS", "DETAIL");
                    for (Map<String, Object> s : steps) {
                        table.row(s.get("step"), s.get("kind"), s.get("title"), s.get("outcome"), s.get("durationMs"),
                                s.get("detail") == null ? "" : TerminalText.escape(String.valueOf(s.get("detail"))));
                    }
                    output.print(out(), table);
                }
                return ExitCode.OK;
            }
        }

        /** Each step of the run, in order, with how it ended: ok, failed, refused, skipped, started (no end), not run. */
        static List<Map<String, Object>> steps(Journal.Recorded journal) {
            Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
            JournalEvent.RunStarted start = journal.start();
            int n = 0;
            for (String key : start.steps() == null ? List.<String>of() : start.steps()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("step", ++n);
                s.put("kind", key.substring(0, key.indexOf(':')));
                s.put("title", key.substring(key.indexOf(':') + 1));
                s.put("outcome", "not run");
                byKey.put(key, s);
            }
            for (JournalEvent e : journal.events()) {
                if (!(e instanceof JournalEvent.StepEvent step) || step.key() == null) continue;
                Map<String, Object> s = byKey.computeIfAbsent(step.key(), k -> new LinkedHashMap<>(Map.of("step", step.step(),
                        "kind", step.kind(), "title", step.title())));
                if (e instanceof JournalEvent.StepStarted) s.put("outcome", "started (no end)");
                else if (e instanceof JournalEvent.StepFinished f) {
                    s.put("outcome", "ok");
                    s.put("durationMs", f.durationMs());
                    s.put("detail", f.summary());
                } else if (e instanceof JournalEvent.StepFailed f) {
                    s.put("outcome", "failed");
                    s.put("durationMs", f.durationMs());
                    s.put("detail", f.error());
                } else if (e instanceof JournalEvent.StepSkipped k) {
                    s.put("outcome", "skipped");
                    s.put("detail", k.summary());
                } else if (e instanceof JournalEvent.RunInterrupted i) {
                    s.put("outcome", "interrupted");
                    s.put("detail", i.error());
                }
            }
            return new ArrayList<>(byKey.values());
        }

        /** Who ran the run, and for a resumed run who ran the run it resumed: a handed-over run names both. */
        static List<Map<String, Object>> operators(Journal.Recorded journal) {
            List<Map<String, Object>> who = new ArrayList<>();
            JournalEvent.RunStarted start = journal.start();
            Map<String, Object> ran = new LinkedHashMap<>();
            ran.put("role", "ran");
            ran.put("operator", start.who());
            ran.put("host", start.host());
            who.add(ran);
            if (start.resumedFromOperator() != null) {
                who.add(new LinkedHashMap<>(Map.of("role", "ran " + start.resumedFrom(), "operator", start.resumedFromOperator())));
            }
            return who;
        }
    }
}
