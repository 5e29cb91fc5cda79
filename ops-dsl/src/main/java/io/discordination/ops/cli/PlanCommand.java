package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.registry.SavedPlan;
import io.discordination.ops.text.Durations;
import io.discordination.ops.text.TerminalText;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.runbook.Runbook;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** {@code ops plan NAME}: a dry run. Checks run, actions show what they would do, nothing changes. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops plan api-not-responding",
                "  ops plan flush-redis-cache --param scope=rate-limits",
                "  ops --env prod plan compromised-account --param user=<uuid>",
                "  ops plan ./my-runbook.jsh --output json",
                "  ops --env prod plan restore-db-backup --save      record it for review, approval and ops apply"},
        description = {"Dry-run a runbook: check steps run (reads), action steps show their effects with resolved targets "
                + "and equivalent commands, verify steps are not polled. Nothing changes.",
                "With --save the plan is recorded (registry and OPS_HOME/plans/<id>.json) for review, ops approve and "
                        + "ops apply (docs/plans-and-approvals.md)."})
final class PlanCommand extends OpsSubcommand {
    @Mixin
    RunbookArguments arguments;

    @Mixin
    EnvironmentOption environment;

    @Option(names = "--save", description = "Record the plan (id, runbook hash, parameters, effects, fingerprint) for review, "
            + "ops approve and ops apply; --output json gives its planId.")
    boolean save;

    @Option(names = "--expires", paramLabel = "DURATION",
            description = "With --save: how long the plan can be applied (4h, 30m); default: approvals.planExpiry, else 4h.")
    String expires;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        Supplier<Environment> ahead = RunbookInvocation.environmentAhead(environment.name(), err());
        if (expires != null && !save) throw OpsException.builder("--expires goes with --save").invalidInput();
        Duration expiresIn = expires == null ? null : expiry(expires);
        Runbook rb = RunbookInvocation.loadForRun(arguments.runbook);
        Map<String, Object> values = rb.bind(arguments.params(rb));
        if (save) SavedPlans.requireNoSecrets(rb, values);
        Environment env = ahead.get();
        if (save) SavedPlans.policy(env);
        try (OpsContext context = RunbookInvocation.open(env, true, Confirmer.nonInteractive(false, null), spec)) {
            if (!save) return RunbookInvocation.execute(context, rb, values, null, output, spec);
            if (!context.registry().central() && !quiet()) err().println("ops: " + context.registry().localNotice());
            SavedPlan[] saved = new SavedPlan[1];
            ExitCode code = RunbookInvocation.execute(context, rb, values, null, output, spec, report -> {
                if (!report.ok()) return Map.of("saved", false);
                saved[0] = SavedPlans.save(context, rb, values, expiresIn);
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("planId", saved[0].planId());
                fields.put("planFile", context.registry().plans().file(saved[0].planId()).toString());
                fields.put("fingerprint", saved[0].fingerprint());
                fields.put("expires", saved[0].expires().toString());
                fields.put("approvalsRequired", saved[0].approvalsRequired());
                return fields;
            });
            if (!output.isJson()) printSaved(context, saved[0]);
            return code;
        }
    }

    private void printSaved(OpsContext context, SavedPlan plan) {
        if (plan == null) {
            err().println("ops: the plan was not saved: it did not finish");
            return;
        }
        String env = environment.name();
        out().println();
        out().println("Saved plan " + plan.planId() + " (expires " + plan.expires().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", fingerprint "
                + plan.fingerprint().substring(0, 12) + ")");
        out().println("  review:  " + context.registry().plans().file(plan.planId()));
        if (plan.approvalsRequired() > 0) {
            out().println("  needs:   " + SavedPlans.approvals(plan.approvalsRequired()) + " by someone other than "
                    + TerminalText.escape(plan.operator()) + " (approvals rule '" + plan.approvalRule() + "')");
            out().println("  approve: ops approve " + plan.planId() + " --env " + env);
        }
        out().println("  apply:   ops apply " + plan.planId() + " --env " + env);
    }

    private static Duration expiry(String text) {
        Duration d;
        try {
            d = Durations.parse(text);
        } catch (RuntimeException e) {
            d = Duration.ZERO;
        }
        if (d.isZero() || d.isNegative()) throw OpsException.builder("--expires should be a duration such as 4h or 30m, not '" + text + "'").invalidInput();
        return d;
    }
}
