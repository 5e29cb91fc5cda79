package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Operator;
import io.discordination.ops.registry.ApprovalPolicy;
import io.discordination.ops.registry.SavedPlan;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.Map;

/**
 * {@code ops approve PLAN_ID}: records an approval of a saved plan, bound to its fingerprint, by
 * the AWS caller identity; the plan's author cannot approve it (exit 3). The approval expires
 * after {@code approvals.expiry}; a plan that changed since (a new fingerprint) needs a new one.
 */
@Command(name = "approve", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {"  ops --env prod approve plan-20250101-120000-a1b2"},
        description = {"Approve a saved plan as the AWS caller identity (the two-person rule: not its author's). "
                + "The approval is bound to the plan's fingerprint and expires (approvals.expiry, default 24h)."})
final class ApproveCommand extends OpsSubcommand {
    @Parameters(index = "0", paramLabel = "PLAN_ID", description = "The saved plan (ops plans --pending lists those waiting).")
    String planId;

    @Mixin
    EnvironmentOption environment;

    @Mixin
    OutputOption output;

    /** What {@code --output json} prints. */
    record Approved(String planId, String runbook, String approver, String fingerprint, Instant expires, int approvals, int required) {
    }

    @Override
    protected ExitCode execute() {
        SavedPlans.requireId(planId);
        Environment env = RunbookInvocation.environmentAhead(environment.name(), err()).get();
        ApprovalPolicy policy = SavedPlans.policy(env);
        try (OpsContext context = RunbookInvocation.open(env, true, Confirmer.nonInteractive(false, null), spec)) {
            SavedPlan plan = context.registry().plans().find(planId).orElseThrow(() -> OpsException.builder("No plan " + planId
                    + " in environment " + env.name()).hint("ops plans --env " + environment.name() + " lists them").invalidInput());
            if (!plan.environment().equals(env.name())) {
                throw OpsException.builder("Plan " + planId + " was made for environment " + plan.environment() + ", not " + env.name())
                        .hint("approve it with --env " + plan.environment()).invalidInput();
            }
            String me = context.awsIdentity();
            Instant now = Instant.now();
            String refusal = null;
            if (me == null || me.startsWith("unknown")) refusal = "the AWS caller identity cannot be told (" + me + "): an approval needs one";
            else if (me.equals(plan.operator())) refusal = "you (" + me + ") saved this plan: another operator must approve it (two-person rule)";
            else if (!SavedPlan.PLANNED.equals(plan.state())) refusal = "the plan is " + plan.state() + ": it can no longer be approved";
            else if (plan.expiredAt(now)) refusal = "the plan expired at " + plan.expires();
            if (refusal != null) {
                SavedPlans.audit(context, "plan-approve-refused", plan, refusal, Map.of("approver", String.valueOf(me)));
                throw OpsException.builder("Refused to approve plan " + planId + ": " + refusal).environment(env.name())
                        .hint("nothing was recorded").refused();
            }
            Instant expires = now.plus(policy.expiry()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            if (expires.isAfter(plan.expires())) expires = plan.expires();
            SavedPlan.Approval approval = new SavedPlan.Approval(planId, me, plan.fingerprint(), now, expires, Operator.osUser().user());
            try {
                context.registry().plans().approve(plan, approval);
            } catch (OpsException.RefusedException e) {
                SavedPlans.audit(context, "plan-approve-refused", plan, e.getMessage(), Map.of("approver", me));
                throw e;
            }
            SavedPlans.audit(context, "plan-approved", plan, null, Map.of("approver", me, "fingerprint", plan.fingerprint(),
                    "expires", expires.toString()));
            SavedPlan now2 = context.registry().plans().find(planId).orElse(plan);
            int valid = now2.validApprovals(Instant.now()).size();
            if (output.isJson()) {
                output.print(out(), new Approved(planId, plan.runbook(), me, plan.fingerprint(), expires, valid, plan.approvalsRequired()));
                return ExitCode.OK;
            }
            out().println("Approved plan " + planId + " (" + TerminalText.escape(plan.runbook()) + " in " + env.name() + ", saved by "
                    + TerminalText.escape(plan.operator()) + ") as " + TerminalText.escape(me) + ", until " + expires);
            for (SavedPlan.PlannedEffect e : plan.effects()) {
                out().println("  " + (e.destructive() ? "destructive: " : "effect:      ") + TerminalText.escape(e.summary()));
                if (e.command() != null) out().println("      $ " + TerminalText.escape(Effect.shownCommand(e.command())));
            }
            out().println("approvals: " + valid + " of " + plan.approvalsRequired() + " needed");
            return ExitCode.OK;
        }
    }
}
