package io.discordination.ops.cli;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.EffectGuard;
import io.discordination.ops.gate.Operator;
import io.discordination.ops.gate.Plan;
import io.discordination.ops.registry.ApprovalPolicy;
import io.discordination.ops.registry.PlanFingerprint;
import io.discordination.ops.registry.SavedPlan;
import io.discordination.ops.runbook.Journal;
import io.discordination.ops.runbook.Parameter;
import io.discordination.ops.runbook.RunListener;
import io.discordination.ops.runbook.RunReport;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookRunner;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What {@code plan --save}, {@code apply}, {@code approve}, {@code plans} and {@code run} share
 * about saved plans: making one from a dry run, planning one again, the guard that holds a run
 * to a plan's effects, the approvals a run needs, and the audit lines of each step.
 */
final class SavedPlans {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private SavedPlans() {
    }

    /** A plan id as given on the command line: bad input (exit 2) unless it is one word of safe characters. */
    static String requireId(String planId) {
        if (planId == null || !planId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,80}")) {
            throw OpsException.builder("Invalid plan id '" + planId + "'").hint("ops plans lists them").invalidInput();
        }
        return planId;
    }

    static String newId() {
        return "plan-" + LocalDateTime.now(ZoneOffset.UTC).format(ID_TIME) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    /** Refuses (bad input) a saved plan of a run with a secret parameter: a plan stores no secret, so apply could not run it. */
    static void requireNoSecrets(Runbook rb, Map<String, Object> values) {
        for (Parameter p : rb.parameters()) {
            if (p.isSecret() && values.get(p.name()) != null) {
                throw OpsException.builder("A saved plan cannot hold the secret parameter '" + p.name() + "'")
                        .hint("plans are stored for review and never hold secrets; run it with ops run instead").invalidInput();
            }
        }
    }

    /** The approvals policy of {@code env} ({@code approvals:}). */
    static ApprovalPolicy policy(Environment env) {
        return ApprovalPolicy.of(env.topology().approvals());
    }

    static List<SavedPlan.PlannedEffect> effects(Plan plan) {
        return plan.entries().stream().map(SavedPlan.PlannedEffect::of).toList();
    }

    /** Saves the dry run {@code context} just made of {@code rb}: registry item, review file, audit line. */
    static SavedPlan save(OpsContext context, Runbook rb, Map<String, Object> values, Duration expiresIn) {
        Environment env = context.environment();
        ApprovalPolicy policy = policy(env);
        List<SavedPlan.PlannedEffect> effects = effects(context.plan());
        Map<String, String> shown = rb.shown(values);
        String hash = rb.source().contentHash();
        String fingerprint = PlanFingerprint.of(rb.name(), hash, env.name(), shown, effects);
        Optional<ApprovalPolicy.Rule> rule = policy.match(rb.name(), shown, effects.stream().anyMatch(SavedPlan.PlannedEffect::destructive));
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String operator = context.awsIdentity();
        java.nio.file.Path envFile = env.source();
        SavedPlan plan = new SavedPlan(newId(), env.name(), rb.name(), rb.source().file().toAbsolutePath().normalize().toString(), hash,
                shown, envFile == null ? null : envFile.toAbsolutePath().normalize().toString(), Journal.hashOf(envFile),
                operator, Operator.osUser().user(), host(), now, now.plus(expiresIn == null ? policy.planExpiry() : expiresIn).truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                effects, fingerprint, rule.isPresent() ? policy.required() : 0, rule.map(ApprovalPolicy.Rule::text).orElse(null),
                SavedPlan.PLANNED, null, null, null, List.of());
        context.registry().plans().save(plan);
        audit(context, "plan-saved", plan, null, Map.of("runbook", rb.name(), "fingerprint", fingerprint,
                "approvalsRequired", plan.approvalsRequired(), "expires", plan.expires().toString()));
        return plan;
    }

    /** A fresh plan of the saved one: what it would do now, in a dry-run context. */
    record Replan(List<SavedPlan.PlannedEffect> effects, Map<String, String> parameters, String runbookHash, String fingerprint,
                  List<String> changes, List<String> notes, RunReport report) {
        boolean same() {
            return changes.isEmpty();
        }
    }

    /** Plans {@code saved} again with its parameters in {@code context} (dry run) and says what changed. */
    static Replan replan(OpsContext context, SavedPlan saved, Runbook rb) {
        List<String> changes = new ArrayList<>();
        if (!rb.name().equals(saved.runbook())) changes.add("the file now holds runbook " + rb.name() + ", not " + saved.runbook());
        Map<String, String> given = new LinkedHashMap<>();
        saved.parameters().forEach((k, v) -> {
            if (v != null) given.put(k, v);
        });
        Map<String, Object> values;
        try {
            values = rb.bind(given);
        } catch (OpsException e) {
            changes.add("the runbook no longer takes the plan's parameters: " + e.getMessage());
            String hash = rb.source().contentHash();
            if (!hash.equals(saved.runbookHash())) changes.add(0, "runbook " + saved.runbook() + " edited since the plan");
            return new Replan(List.of(), Map.of(), hash, null, changes, List.of(), null);
        }
        RunReport report = new RunbookRunner(context, RunListener.NONE, false).run(rb, values, null);
        List<SavedPlan.PlannedEffect> effects = effects(context.plan());
        Map<String, String> shown = rb.shown(values);
        String hash = rb.source().contentHash();
        String fingerprint = PlanFingerprint.of(rb.name(), hash, context.environment().name(), shown, effects);
        changes.addAll(PlanFingerprint.changes(saved, hash, context.environment().name(), shown, effects));
        if (!report.ok()) changes.add("the plan now stops: " + report.error());
        if (changes.isEmpty() && !fingerprint.equals(saved.fingerprint())) changes.add("the plan's fingerprint differs");
        return new Replan(effects, shown, hash, fingerprint, changes, PlanFingerprint.volatileChanges(saved, effects), report);
    }

    /**
     * The guard of an apply: each effect of the run must be one of the plan's (same system, target,
     * verb and text parameters), each planned effect used at most once.
     */
    static EffectGuard guard(SavedPlan plan) {
        Map<String, Integer> left = new HashMap<>();
        for (SavedPlan.PlannedEffect e : plan.effects()) {
            left.merge(PlanFingerprint.key(e.system(), e.target(), e.verb(), e.destructive(), e.parameters()), 1, Integer::sum);
        }
        return effect -> {
            String key = PlanFingerprint.key(effect.system(), effect.target(), effect.verb(), effect.destructive(), effect.parameters());
            synchronized (left) {
                Integer n = left.get(key);
                if (n == null || n == 0) {
                    return "it is not in plan " + plan.planId() + " (" + (n == null ? "the plan has no such effect" : "the plan's ones were used")
                            + "); save and approve a new plan";
                }
                left.put(key, n - 1);
                return null;
            }
        };
    }

    /** The guard of {@code ops run} in an environment with a {@code destructive} approvals rule: no destructive effect outside a plan. */
    static EffectGuard destructiveNeedsPlan(Environment env, String runbook) {
        return effect -> effect.destructive()
                ? "destructive effects in " + env.name() + " need an approved plan (approvals rule 'destructive'): "
                + "ops plan " + runbook + " --save, ops approve, then ops apply"
                : null;
    }

    /** How the refusal of a run that needs approvals reads. */
    static String needsPlan(Environment env, Runbook rb, ApprovalPolicy policy, ApprovalPolicy.Rule rule) {
        return "runbook " + rb.name() + " needs " + approvals(policy.required()) + " in " + env.name() + " (approvals rule '"
                + rule.text() + "'): save a plan (ops plan " + rb.name() + " --save --env " + env.name()
                + "), have another operator approve it (ops approve PLAN_ID), then ops apply PLAN_ID";
    }

    static String approvals(int n) {
        return n + (n == 1 ? " approval" : " approvals");
    }

    /** One audit line of a step of the plan's life: plan-saved, plan-approved, plan-approve-refused, plan-applied, ... */
    static void audit(OpsContext context, String event, SavedPlan plan, String reason, Map<String, ?> details) {
        Effect.Builder b = Effect.on("ops", "plan " + plan.planId()).verb(event);
        b.param("runbook", plan.runbook());
        if (details != null) details.forEach(b::param);
        AuditLog.Record r = new AuditLog.Record(Instant.now(), event, context.runId(), context.environment().name(),
                Operator.osUser().withAws(context.awsIdentity()), b.build(), reason, null);
        context.gate().audit().append(r);
        // on to the central trail with the rest; the context's close ships what is left
        context.auditTrail().shipSoon();
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h;
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
