package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.EffectGuard;
import io.discordination.ops.registry.ApprovalPolicy;
import io.discordination.ops.runbook.RunListener;
import io.discordination.ops.runbook.RunbookRunner;
import io.discordination.ops.runbook.Journal;
import io.discordination.ops.registry.RunHistory;
import io.discordination.ops.runbook.Resume;
import io.discordination.ops.runbook.RunRecorder;
import io.discordination.ops.runbook.RunLock;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.text.Durations;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code ops run NAME}: runs a runbook, confirming destructive effects, journaling each step. */
@Command(name = "run", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops run api-not-responding       asks y/N before each destructive step",
                "  ops run flush-redis-cache -p scope=rate-limits --yes",
                "  ops run compromised-account --env prod -p user=<uuid>   type prod, then y/N",
                "  ops --env prod --no-input run compromised-account -p user=<uuid> --yes \\",
                "      --confirm-env prod",
                "  ops run api-not-responding --resume 20250101-120000-a1b2",
                "  ops run rotate-secrets -p secret=jwt --wait 10m   waits while another run holds the secret"},
        description = {"Run a runbook step by step. Destructive effects are confirmed (y/N at a terminal, --yes, and the "
                + "environment's name for protected ones); every step is journaled under OPS_HOME/runs/."})
final class RunCommand extends OpsSubcommand {
    @Mixin
    RunbookArguments arguments;

    @Mixin
    EnvironmentOption environment;

    @Mixin
    ConfirmationOptions confirmation;

    @Option(names = "--resume", paramLabel = "RUN_ID",
            description = "Resume a run that failed or was killed: same parameters and environment file, finished actions are "
                    + "skipped (their results restored), checks run again. A run is resumed once, by one process at a time.")
    String resume;

    @Option(names = "--wait", paramLabel = "DURATION",
            description = "When another run holds the lease of a target this run changes, wait for it up to DURATION (30s, 10m), "
                    + "saying on whom, then go on; still held then: exit 3. Without it such a run is refused at once.")
    String waitFor;

    @Mixin
    OutputOption output;

    /** {@code --wait} as parsed, before anything else: a bad duration is bad input. */
    private Duration wait;

    @Override
    protected ExitCode execute() {
        wait = waitFor == null ? null : Durations.parse(waitFor);
        Supplier<Environment> ahead = RunbookInvocation.environmentAhead(environment.name(), err());
        Runbook rb = RunbookInvocation.loadForRun(arguments.runbook);
        Map<String, String> given = arguments.params(rb);
        if (resume == null) return run(rb, rb.bind(given), null, ahead.get(), null);
        Journal.fileOf(OpsPaths.home(), resume); // a run id that is no file name is bad input before anything is read
        // held until the resumed run ends: a second resume of the same run at the same time on this machine is refused
        try (RunLock ignored = RunLock.acquire(OpsPaths.home(), resume, "being resumed by ops run --resume " + resume)) {
            Environment env = ahead.get();
            Confirmer confirmer = confirmation.confirmer(noInput());
            try (OpsContext context = RunbookInvocation.open(env, false, confirmer, spec, guard(env, rb))) {
                RunHistory history = context.registry().runs();
                history.requireResumable(resume, RunRecorder.host(), OpsPaths.home().toString());
                // another machine's run: its journal is the registry's copy
                boolean fetched = RunRecorder.fetchForResume(history, OpsPaths.home(), resume);
                Resume from = Resume.from(Journal.read(OpsPaths.home(), resume), rb, given);
                String named = environment.name().contains("/") || environment.name().endsWith(".yaml")
                        ? Environment.named(environment.name()).name() : environment.name();
                if (!from.environment().equals(named)) {
                    throw OpsException.builder("run " + resume + " ran in environment " + from.environment() + ", not " + named)
                            .hint("resume it with --env " + from.environment()).invalidInput();
                }
                Map<String, Object> values = rb.bind(from.parameters());
                from.requireSameEnvironmentFile(env.source(), !fetched);
                return run(rb, values, from, env, context);
            }
        }
    }

    /**
     * Runs {@code rb}; a resume passes the context it opened to read the old run, and records itself as its
     * successor first. A run the environment's approvals policy covers is refused before anything runs.
     */
    private ExitCode run(Runbook rb, Map<String, Object> values, Resume from, Environment env, OpsContext opened) {
        if (opened == null) {
            try (OpsContext context = RunbookInvocation.open(env, false, confirmation.confirmer(noInput()), spec, guard(env, rb))) {
                waitForLeases(context);
                refuseWithoutApprovedPlan(context, rb, values, env);
                return RunbookInvocation.execute(context, rb, values, null, output, spec);
            }
        }
        refuseWithoutApprovedPlan(opened, rb, values, env);
        waitForLeases(opened);
        RunHistory history = opened.registry().runs();
        String identity = history.central() ? opened.awsIdentity() : null;
        // across machines, the registry's conditional write is what makes a run resumed once
        history.claimResume(from.runId(), opened.runId(), identity, RunRecorder.host(), OpsPaths.home().toString());
        Journal.recordSuccessor(OpsPaths.home(), from.runId(), opened.runId(), identity, RunRecorder.host(), opened.redactor());
        try {
            history.putJournal(from.runId(), java.nio.file.Files.readAllBytes(Journal.fileOf(OpsPaths.home(), from.runId())));
        } catch (java.io.IOException | RuntimeException e) {
            // the registry's claim is what refuses a second resume; the copy of the old journal only shows it
        }
        return RunbookInvocation.execute(opened, rb, values, from, output, spec);
    }

    /** With a policy that covers destructive runbooks: the guard that refuses a destructive effect outside an applied plan. */
    private static EffectGuard guard(Environment env, Runbook rb) {
        ApprovalPolicy policy = SavedPlans.policy(env);
        return policy.hasDestructiveRule() ? SavedPlans.destructiveNeedsPlan(env, rb.name()) : null;
    }

    /** Refuses (exit 3, audited, nothing changed) a run the approvals policy says needs an approved plan. */
    private void refuseWithoutApprovedPlan(OpsContext context, Runbook rb, Map<String, Object> values, Environment env) {
        ApprovalPolicy policy = SavedPlans.policy(env);
        Optional<ApprovalPolicy.Rule> rule = needsApproval(policy, rb, values, env);
        if (rule.isPresent()) {
            Effect run = Effect.on("ops", "runbook " + rb.name()).verb("run").param("rule", rule.get().text()).build();
            throw context.gate().refuse(run, SavedPlans.needsPlan(env, rb, policy, rule.get()));
        }
    }

    /**
     * The approvals rule that makes this run need an approved plan: one naming the runbook (and its
     * parameter values), else {@code destructive} when a silent dry run of it plans a destructive
     * effect. Decided before anything runs; the run's guard still refuses a destructive effect the
     * dry run did not foresee.
     */
    private Optional<ApprovalPolicy.Rule> needsApproval(ApprovalPolicy policy, Runbook rb, Map<String, Object> values, Environment env) {
        if (policy.isEmpty()) return Optional.empty();
        Map<String, String> shown = rb.shown(values);
        Optional<ApprovalPolicy.Rule> named = policy.matchByName(rb.name(), shown);
        if (named.isPresent() || !policy.hasDestructiveRule()) return named;
        try (OpsContext planning = RunbookInvocation.open(env, true, Confirmer.nonInteractive(false, null), spec)) {
            new RunbookRunner(planning, RunListener.NONE, false).run(rb, values, null);
            boolean destructive = planning.plan().entries().stream().anyMatch(e -> e.effect().destructive());
            return policy.match(rb.name(), shown, destructive);
        }
    }

    /** With {@code --wait}: a target another run holds is waited for, a line on stderr saying on whom. */
    private void waitForLeases(OpsContext context) {
        if (wait == null) return;
        context.leases().waitUpTo(wait, line -> {
            err().println(TerminalText.escape(line));
            err().flush();
        });
    }
}
