package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.registry.SavedPlan;
import io.discordination.ops.text.Table;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.List;

/** {@code ops plans}: the environment's saved plans, newest first, with their state and approvals. */
@Command(name = "plans", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  ops --env prod plans --pending        plans waiting for an approval", "  ops plans --output json"},
        description = {"List saved plans (ops plan NAME --save): runbook, author, state, expiry, and approvals (valid ones: "
                + "unexpired, for the plan's fingerprint, not by its author)."})
final class PlansCommand extends OpsSubcommand {
    @Option(names = "--pending", description = "Only plans that are planned, unexpired and short of approvals.")
    boolean pending;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N plans (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    EnvironmentOption environment;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        if (limit < 1) throw new io.discordination.ops.OpsException.InvalidInputException("--limit must be at least 1");
        Environment env = RunbookInvocation.environmentAhead(environment.name(), err()).get();
        try (OpsContext context = RunbookInvocation.open(env, true, Confirmer.nonInteractive(false, null), spec)) {
            Instant now = Instant.now();
            List<SavedPlan> plans = context.registry().plans().list(limit).stream().filter(p -> !pending || p.pendingAt(now)).toList();
            if (output.isJson()) {
                output.print(out(), plans);
                return ExitCode.OK;
            }
            if (plans.isEmpty()) {
                out().println(pending ? "no plans waiting for approval in " + env.name() : "no saved plans in " + env.name());
                return ExitCode.OK;
            }
            Table table = Table.with("PLAN", "RUNBOOK", "BY", "CREATED", "EXPIRES", "STATE", "APPROVALS");
            for (SavedPlan p : plans) {
                List<SavedPlan.Approval> valid = p.validApprovals(now);
                String approvals = valid.size() + "/" + p.approvalsRequired()
                        + (valid.isEmpty() ? "" : " " + String.join(",", valid.stream().map(a -> shortName(a.approver())).toList()));
                String state = p.state() + (SavedPlan.PLANNED.equals(p.state()) && p.expiredAt(now) ? " (expired)" : "");
                table.row(p.planId(), TerminalText.escape(p.runbook()), TerminalText.escape(shortName(p.operator())), p.created(),
                        p.expires(), state, TerminalText.escape(approvals));
            }
            out().print(table.toString());
            out().flush();
            return ExitCode.OK;
        }
    }

    /** The last part of an ARN ({@code user/alice}), which is what people recognise. */
    private static String shortName(String arn) {
        if (arn == null) return "?";
        int colon = arn.lastIndexOf(':');
        return colon < 0 ? arn : arn.substring(colon + 1);
    }
}
