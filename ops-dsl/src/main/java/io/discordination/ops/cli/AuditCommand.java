package io.discordination.ops.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discordination.ops.ExitCode;
import io.discordination.ops.Json;
import io.discordination.ops.JsonLines;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.Redactor;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.registry.AuditTrail;
import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Table;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code ops audit}: who did what, where, with what outcome. For an environment with a
 * {@code registry:}, the central trail of every operator (its CloudWatch Logs group), with this
 * machine's records that are not shipped yet merged in and marked; without one, this machine's file.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops audit --since 1h                         the last hour in the sandbox",
                "  ops audit --env prod --run 20250101-120000-a1b2",
                "  ops audit --env prod --since 1d --limit 5000",
                "  ops audit --env prod --output json | jq '.[] | select(.event == \"refused\")'"},
        description = {"Read the audit trail of an environment: every effect started, ended (ok/failed) or refused.",
                "With a registry: section, the central trail of every operator; records of this machine that are not "
                        + "shipped yet are merged in and marked (SHIPPED no, \"shipped\": false)."})
final class AuditCommand extends OpsSubcommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    /** How many records the central trail gives without --limit. */
    static final int DEFAULT_CENTRAL_LIMIT = 1000;

    @Mixin
    EnvironmentOption environment;

    @Option(names = "--since", paramLabel = "DURATION", description = "Only records newer than this (10m, 1h, 7d).")
    String since;

    @Option(names = "--run", paramLabel = "RUN_ID", description = "Only records of this run.")
    String runId;

    @Option(names = "--limit", paramLabel = "N",
            description = "At most N records, oldest first (default: " + DEFAULT_CENTRAL_LIMIT + " from the central trail, all of a local file).")
    Integer limit;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        String env = environment.name();
        boolean path = env.endsWith(".yaml") || env.endsWith(".yml");
        if (!path && !env.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw OpsException.builder("Invalid environment name '" + env + "'").hint("give the name, not a path").invalidInput();
        }
        if (limit != null && limit < 1) {
            throw OpsException.builder("Invalid --limit " + limit).hint("give a number of records, 1 or more").invalidInput();
        }
        Instant from = since == null ? Instant.EPOCH : Instant.now().minus(Durations.parse(since));
        Environment loaded = path ? Redaction.learn(Environment.load(Path.of(env))) : known(env);
        if (loaded != null && loaded.topology().registry().configured()) {
            try (OpsContext context = OpsContext.builder().environment(loaded).opsHome(OpsPaths.home()).dryRun()
                    .notices(RunbookInvocation.notices(spec)).build()) {
                if (context.auditTrail() instanceof AuditTrail trail) return central(trail, from);
            }
        }
        return local(loaded == null ? env : loaded.name(), from);
    }

    /** The environment {@code name} when there is a file for it; null: only its audit file is read. */
    private static Environment known(String name) {
        Path file = "local".equals(name) ? OpsPaths.sandboxEnvironment(OpsPaths.home()) : OpsPaths.environments().resolve(name + ".yaml");
        return Files.isRegularFile(file) ? Redaction.learn(Environment.named(name)) : null;
    }

    private ExitCode central(AuditTrail trail, Instant from) {
        // this machine's backlog first, so what is shown as unshipped is what truly could not go
        trail.shipBacklog();
        int max = limit == null ? DEFAULT_CENTRAL_LIMIT : limit;
        AuditTrail.View view = trail.read(from, max, r -> runId == null || runId.equals(r.runId()));
        if (view.unavailable() != null) {
            err().println("ops: warning: cannot read the central audit trail (log group " + trail.group() + "): "
                    + TerminalText.escape(view.unavailable()) + "; showing this machine's spool only");
        }
        if (view.truncated()) {
            err().println("ops: showing the first " + max + " records; narrow with --since or --run, or raise --limit");
        }
        err().flush();
        if (output.isJson()) {
            List<ObjectNode> json = view.entries().stream().map(e -> {
                ObjectNode node = Json.mapper().valueToTree(e.record());
                return node.put("shipped", e.shipped());
            }).toList();
            output.print(out(), json);
            return ExitCode.OK;
        }
        Table table = Table.with("TIME", "EVENT", "RUN", "OPERATOR", "EFFECT", "MS", "REASON", "SHIPPED");
        for (AuditTrail.Entry e : view.entries()) {
            AuditLog.Record r = e.record();
            table.row(TIME.format(r.time()), r.event(), r.runId(), operator(r),
                    r.effect() == null ? "" : r.effect().summary(), r.durationMs(), r.reason(), e.shipped() ? "yes" : "no");
        }
        output.print(out(), table);
        if (view.entries().isEmpty()) {
            err().println("ops: no audit records" + (view.unavailable() == null ? " in the log group " + trail.group() : " in this machine's spool"));
        }
        return ExitCode.OK;
    }

    private ExitCode local(String env, Instant from) {
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
                .limit(limit == null ? Long.MAX_VALUE : limit)
                .toList();
        if (output.isJson()) {
            output.print(out(), records);
            return ExitCode.OK;
        }
        Table table = Table.with("TIME", "EVENT", "RUN", "OPERATOR", "EFFECT", "MS", "REASON");
        for (AuditLog.Record r : records) {
            table.row(TIME.format(r.time()), r.event(), r.runId(), operator(r),
                    r.effect() == null ? "" : r.effect().summary(), r.durationMs(), r.reason());
        }
        output.print(out(), table);
        if (records.isEmpty()) {
            err().println("ops: no audit records for " + env + " in " + log.file());
        }
        return ExitCode.OK;
    }

    private static String operator(AuditLog.Record r) {
        return r.operator() == null ? "" : r.operator().user() + (r.operator().aws() == null ? "" : " (" + r.operator().aws() + ")");
    }
}
