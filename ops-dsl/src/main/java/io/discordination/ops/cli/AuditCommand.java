package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.JsonLines;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.Redactor;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** {@code ops audit}: who did what, where, with what outcome. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops audit --since 1h                         the last hour in the sandbox",
                "  ops audit --env prod --run 20250101-120000-a1b2",
                "  ops audit --env prod --output json | jq '.[] | select(.event == \"refused\")'"},
        description = "Read the audit log of an environment: every effect started, ended (ok/failed) or refused.")
final class AuditCommand extends OpsSubcommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Mixin
    EnvironmentOption environment;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only records newer than this (10m, 1h, 7d).")
    String since;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "Only records of this run.")
    String runId;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        String env = environment.name();
        if (!env.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw OpsException.builder("Invalid environment name '" + env + "'").hint("give the name, not a path").invalidInput();
        }
        Instant from = since == null ? Instant.EPOCH : Instant.now().minus(Durations.parse(since));
        AuditLog log = AuditLog.forEnvironment(OpsPaths.home(), env, new Redactor());
        JsonLines.Read<AuditLog.Record> read = log.readReporting();
        String skipped = read.skippedDescription(log.file());
        if (skipped != null) {
            err().println("ops: warning: " + skipped);
            err().flush();
        }
        List<AuditLog.Record> records = read.records().stream()
                .filter(r -> r.time() != null && !r.time().isBefore(from))
                .filter(r -> runId == null || runId.equals(r.runId()))
                .toList();
        if (output.isJson()) {
            output.print(out(), records);
            return ExitCode.OK;
        }
        Table table = Table.with("TIME", "EVENT", "RUN", "OPERATOR", "EFFECT", "MS", "REASON");
        for (AuditLog.Record r : records) {
            String who = r.operator() == null ? "" : r.operator().user() + (r.operator().aws() == null ? "" : " (" + r.operator().aws() + ")");
            table.row(TIME.format(r.time()), r.event(), r.runId(), who,
                    r.effect() == null ? "" : r.effect().summary(), r.durationMs(), r.reason());
        }
        output.print(out(), table);
        if (records.isEmpty()) {
            err().println("ops: no audit records for " + env + " in " + log.file());
        }
        return ExitCode.OK;
    }
}
