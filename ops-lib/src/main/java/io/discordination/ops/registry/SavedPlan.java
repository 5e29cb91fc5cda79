package io.discordination.ops.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A plan saved for review ({@code ops plan NAME --save}): what will run, with which parameters,
 * in which environment, by whom, and every effect with its resolved target, verb and command, all
 * redacted; plus the {@link PlanFingerprint fingerprint} that approvals are bound to and that
 * {@code ops apply} checks against a fresh plan. {@code state} goes planned, applying, then
 * applied (or failed), each step a conditional write, so a plan is applied once.
 *
 * <pre>{@code SavedPlan plan = context.registry().plans().find(id).orElseThrow();}</pre>
 *
 * @param runbookFile the absolute path of the script planned: {@code ops apply} plans it again from there
 * @param approvalRule the policy rule that made it need approvals, or null
 * @param approvals    the approvals recorded so far (filled in when read)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SavedPlan(String planId, String environment, String runbook, String runbookFile, String runbookHash,
                        Map<String, String> parameters, String environmentFile, String environmentFileHash,
                        String operator, String osUser, String host, Instant created, Instant expires,
                        List<PlannedEffect> effects, String fingerprint, int approvalsRequired, String approvalRule,
                        String state, String appliedBy, Instant appliedAt, String applyRunId, List<Approval> approvals) {
    public static final String PLANNED = "planned";
    public static final String APPLYING = "applying";
    public static final String APPLIED = "applied";
    public static final String FAILED = "failed";

    public SavedPlan {
        parameters = parameters == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        effects = effects == null ? List.of() : List.copyOf(effects);
        approvals = approvals == null ? List.of() : List.copyOf(approvals);
    }

    /** One planned effect, redacted, as {@code ops apply} will meet it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PlannedEffect(String step, String system, String target, String verb, boolean destructive, boolean undoable,
                                String command, Map<String, Object> parameters, String inverse) {
        public static PlannedEffect of(Plan.Entry entry) {
            Effect e = entry.effect();
            return new PlannedEffect(entry.step(), e.system(), e.target(), e.verb(), e.destructive(), entry.undoable(), e.command(),
                    e.parameters(), e.inverse());
        }

        public String summary() {
            return verb + " " + target;
        }
    }

    /** One approval: by whom, bound to which fingerprint, until when. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Approval(String planId, String approver, String fingerprint, Instant at, Instant expires, String osUser) {
        /** Whether it counts for {@code plan} at {@code now}: the plan's fingerprint, unexpired, not its author. */
        public boolean validFor(SavedPlan plan, Instant now) {
            return fingerprint.equals(plan.fingerprint()) && expires.isAfter(now) && !approver.equals(plan.operator());
        }
    }

    public SavedPlan withApprovals(List<Approval> approvals) {
        return new SavedPlan(planId, environment, runbook, runbookFile, runbookHash, parameters, environmentFile,
                environmentFileHash, operator, osUser, host, created, expires, effects, fingerprint, approvalsRequired,
                approvalRule, state, appliedBy, appliedAt, applyRunId, approvals);
    }

    public SavedPlan withState(String state, String appliedBy, Instant appliedAt, String applyRunId) {
        return new SavedPlan(planId, environment, runbook, runbookFile, runbookHash, parameters, environmentFile,
                environmentFileHash, operator, osUser, host, created, expires, effects, fingerprint, approvalsRequired,
                approvalRule, state, appliedBy, appliedAt, applyRunId, approvals);
    }

    public boolean expiredAt(Instant now) {
        return !expires.isAfter(now);
    }

    /** The approvals that count at {@code now}. */
    public List<Approval> validApprovals(Instant now) {
        return approvals.stream().filter(a -> a.validFor(this, now)).toList();
    }

    /** Planned, unexpired, and short of approvals: what {@code ops plans --pending} lists. */
    public boolean pendingAt(Instant now) {
        return PLANNED.equals(state) && !expiredAt(now) && validApprovals(now).size() < approvalsRequired;
    }
}
