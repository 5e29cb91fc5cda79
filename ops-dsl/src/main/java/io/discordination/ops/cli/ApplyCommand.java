package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.registry.ApprovalPolicy;
import io.discordination.ops.registry.Plans;
import io.discordination.ops.registry.SavedPlan;
import io.discordination.ops.runbook.RunReport;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ops apply PLAN_ID}: runs a saved plan. It plans the runbook again first and refuses (exit 3)
 * when the fingerprint differs, saying what changed; it refuses a plan that is expired, applied
 * already, or short of valid approvals; during the run an effect that is not in the plan is
 * refused. The plan goes planned, applying, applied, each a conditional write, so it runs once.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops apply plan-20250101-120000-a1b2                 re-plan, check, confirm, run",
                "  ops --env prod apply plan-20250101-120000-a1b2 --yes --confirm-env prod"},
        description = {"Apply a saved plan (ops plan NAME --save): plan it again and refuse if anything that was "
                + "approved changed (the runbook, a parameter, an effect's target or verb), refuse without the approvals "
                + "the environment's policy asks for, then run it with the same confirmation as ops run; an effect that "
                + "is not in the plan is refused. A plan is applied once, before it expires."})
final class ApplyCommand extends OpsSubcommand {
    @Parameters(index = "0", paramLabel = "PLAN_ID", description = "The saved plan (ops plans lists them).")
    String planId;

    @Mixin
    EnvironmentOption environment;

    @Mixin
    ConfirmationOptions confirmation;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        SavedPlans.requireId(planId);
        Environment env = RunbookInvocation.environmentAhead(environment.name(), err()).get();
        ApprovalPolicy policy = SavedPlans.policy(env);
        SavedPlan saved;
        SavedPlans.Replan replan;
        Runbook rb;
        try (OpsContext planning = RunbookInvocation.open(env, true, Confirmer.nonInteractive(false, null), spec)) {
            Plans plans = planning.registry().plans();
            saved = plans.find(planId).orElseThrow(() -> OpsException.builder("No plan " + planId + " in environment " + env.name())
                    .hint("ops plans --env " + environment.name() + " lists them; give --env for another environment").invalidInput());
            if (!saved.environment().equals(env.name())) {
                throw OpsException.builder("Plan " + planId + " was made for environment " + saved.environment() + ", not " + env.name())
                        .hint("apply it with --env " + saved.environment()).invalidInput();
            }
            Instant now = Instant.now();
            if (!SavedPlan.PLANNED.equals(saved.state()) || saved.expiredAt(now)) {
                OpsException why = SavedPlan.PLANNED.equals(saved.state()) ? expired(saved) : alreadyApplied(saved);
                SavedPlans.audit(planning, "plan-apply-refused", saved, why.getMessage(), null);
                throw why;
            }
            Path file = Path.of(saved.runbookFile());
            if (!Files.isRegularFile(file)) {
                OpsException gone = OpsException.builder("Plan " + planId + ": its runbook file " + file + " is gone")
                        .environment(env.name()).hint("save a new plan; nothing was changed").refused();
                SavedPlans.audit(planning, "plan-apply-refused", saved, gone.getMessage(), null);
                throw gone;
            }
            rb = RunbookInvocation.loadForRun(file.toString());
            if (!output.isJson()) {
                out().println("Planning " + TerminalText.escape(saved.runbook()) + " again to check plan " + planId + " ...");
                out().flush();
            }
            replan = SavedPlans.replan(planning, saved, rb);
            if (!replan.same()) {
                String changes = String.join("; ", replan.changes());
                if (!output.isJson()) {
                    out().println("Plan " + planId + " no longer holds; what changed since it was saved:");
                    replan.changes().forEach(c -> out().println("  - " + TerminalText.escape(c)));
                    out().flush();
                }
                SavedPlans.audit(planning, "plan-apply-refused", saved, "changed since the plan: " + changes, null);
                throw OpsException.builder("Refused to apply plan " + planId + ": it changed since it was saved: " + changes)
                        .environment(env.name()).hint("save a new plan and have it approved; nothing was changed").refused();
            }
            int required = Math.max(saved.approvalsRequired(), policy.match(saved.runbook(), replan.parameters(),
                    replan.effects().stream().anyMatch(SavedPlan.PlannedEffect::destructive)).isPresent() ? policy.required() : 0);
            List<SavedPlan.Approval> valid = saved.validApprovals(now);
            if (valid.size() < required) {
                String reason = "plan " + planId + " needs " + SavedPlans.approvals(required) + " by someone other than "
                        + saved.operator() + ", and has " + valid.size() + " valid (unexpired, for this fingerprint)";
                SavedPlans.audit(planning, "plan-apply-refused", saved, reason, Map.of("approvals", valid.size(), "required", required));
                throw OpsException.builder("Refused to apply: " + reason).environment(env.name())
                        .hint("ask another operator: ops approve " + planId + " --env " + environment.name() + "; nothing was changed").refused();
            }
            if (!output.isJson()) {
                out().println("Plan " + planId + " holds (fingerprint " + saved.fingerprint().substring(0, 12) + ")"
                        + (valid.isEmpty() ? "" : ", approved by " + String.join(", ", valid.stream()
                        .map(a -> TerminalText.escape(a.approver())).toList())));
                replan.notes().forEach(n -> out().println("  now: " + TerminalText.escape(n)));
                out().flush();
            }
        }
        return run(env, saved, rb, replan);
    }

    private ExitCode run(Environment env, SavedPlan saved, Runbook rb, SavedPlans.Replan replan) {
        Confirmer confirmer = confirmation.confirmer(noInput());
        Map<String, String> given = new LinkedHashMap<>();
        saved.parameters().forEach((k, v) -> {
            if (v != null) given.put(k, v);
        });
        Map<String, Object> values = rb.bind(given);
        try (OpsContext context = RunbookInvocation.open(env, false, confirmer, spec, SavedPlans.guard(saved))) {
            Plans plans = context.registry().plans();
            String who = context.awsIdentity();
            try {
                plans.transition(saved.planId(), SavedPlan.PLANNED, SavedPlan.APPLYING, who, context.runId());
            } catch (OpsException.RefusedException e) {
                SavedPlans.audit(context, "plan-apply-refused", saved, e.getMessage(), null);
                throw e;
            }
            SavedPlans.audit(context, "plan-applying", saved, null, Map.of("fingerprint", saved.fingerprint()));
            RunReport[] done = new RunReport[1];
            ExitCode code;
            try {
                code = RunbookInvocation.execute(context, rb, values, null, output, spec, report -> {
                    done[0] = report;
                    return Map.of("planId", saved.planId());
                });
            } finally {
                finish(context, plans, saved, done[0], who);
            }
            return code;
        }
    }

    /** The plan's last state: applied, failed, or planned again when the run changed nothing (declined at the prompt). */
    private void finish(OpsContext context, Plans plans, SavedPlan saved, RunReport report, String who) {
        boolean ok = report != null && report.ok();
        boolean changedNothing = context.gate().applied().isEmpty();
        String to = ok ? SavedPlan.APPLIED : changedNothing ? SavedPlan.PLANNED : SavedPlan.FAILED;
        plans.transition(saved.planId(), SavedPlan.APPLYING, to, who, context.runId());
        String event = ok ? "plan-applied" : "plan-apply-failed";
        SavedPlans.audit(context, event, saved, ok ? null : (report == null ? "the run stopped" : report.error())
                + (to.equals(SavedPlan.PLANNED) ? "; nothing was changed, the plan can be applied again" : ""), Map.of("state", to));
        if (!output.isJson()) {
            out().println(ok ? "Plan " + saved.planId() + " applied (run " + context.runId() + ")"
                    : "Plan " + saved.planId() + " is " + to + (to.equals(SavedPlan.PLANNED) ? " again: nothing was changed" : ""));
            out().flush();
        }
    }

    private static OpsException expired(SavedPlan plan) {
        return OpsException.builder("Refused to apply: plan " + plan.planId() + " expired at " + plan.expires())
                .environment(plan.environment()).hint("save a new plan: ops plan " + plan.runbook() + " --save; nothing was changed").refused();
    }

    private static OpsException alreadyApplied(SavedPlan plan) {
        String how = switch (plan.state()) {
            case SavedPlan.APPLIED -> "was applied already";
            case SavedPlan.APPLYING -> "is being applied";
            default -> "was applied and failed";
        };
        return OpsException.builder("Refused to apply: plan " + plan.planId() + " " + how
                        + (plan.appliedBy() == null ? "" : " by " + plan.appliedBy())
                        + (plan.applyRunId() == null ? "" : " (run " + plan.applyRunId() + ")"))
                .environment(plan.environment()).hint("a plan is applied once: save a new one; nothing was changed").refused();
    }
}
