package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.registry.Lease;
import io.discordination.ops.registry.LeaseTargets;
import io.discordination.ops.runbook.Resume;
import io.discordination.ops.runbook.RunReport;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookLoader;
import io.discordination.ops.runbook.RunbookRunner;
import io.discordination.ops.runbook.StepCalls;
import io.discordination.ops.text.Progress;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/** What {@code plan}, {@code run} and {@code repl} share: finding and loading a runbook, opening the context. */
final class RunbookInvocation {
    private RunbookInvocation() {
    }

    static Runbook load(String nameOrPath) {
        try (RunbookLoader loader = RunbookLoader.standard()) {
            return loader.load(loader.find(nameOrPath));
        }
    }

    /** Loads the runbook that is about to be planned or run, warming the AWS SDK meanwhile. */
    static Runbook loadForRun(String nameOrPath) {
        try (RunbookLoader loader = RunbookLoader.standard()) {
            java.nio.file.Path file = loader.find(nameOrPath);
            try {
                AwsWarmup.start(java.nio.file.Files.readString(file));
            } catch (java.io.IOException unreadable) {
                // the load below reports it
            }
            return loader.load(file);
        }
    }

    /**
     * The environment {@code name}; for {@code local}, the sandbox is started first when it is not
     * up, with one line on stderr saying so.
     */
    static Environment environment(String name, PrintWriter err) {
        if ("local".equals(name)) LocalSandbox.ensureUp(OpsPaths.home(), err);
        return Redaction.learn(Environment.named(name));
    }

    /**
     * The environment {@code name}, read on another thread while the runbook loads (two cores, and
     * the YAML parser's start-up is a tenth of a second). A local sandbox that is not set up is
     * started only when the result is asked for, after bad input has been ruled out.
     */
    static Supplier<Environment> environmentAhead(String name, PrintWriter err) {
        Early started = early;
        early = null;
        CompletableFuture<Environment> ahead = started != null && started.name().equals(name) ? started.environment() : loading(name);
        if (ahead == null) return () -> environment(name, err);
        return () -> {
            try {
                return ahead.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw e;
            }
        };
    }

    /** An environment whose loading {@link #loadEnvironmentEarly} started, under the name it was asked by. */
    private record Early(String name, CompletableFuture<Environment> environment) {
    }

    private static volatile Early early;

    /**
     * From {@code main}, for {@code ops plan} and {@code ops run}: starts loading the environment that
     * {@code args} name (--env, else $OPS_ENV, else local) before picocli has even built the command
     * line, about a tenth of a second earlier than the command would; {@link #environmentAhead} then
     * takes it when the command asks for the same name. The environment is read and bound on a
     * second core while the first one builds the command line and loads the runbook (parsing the
     * YAML file and binding it to the schema cost a plan a third of a second before). A guess that
     * misses (an option spelt another way) costs only that work: the command loads its own. Nothing
     * is started for a local sandbox that is not up (the command starts it and says so).
     */
    static void loadEnvironmentEarly(String[] args) {
        String given = null;
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("-e") || args[i].equals("--env")) && i + 1 < args.length) given = args[++i];
            else if (args[i].startsWith("--env=")) given = args[i].substring("--env=".length());
        }
        String name = OpsCommand.environmentOr(given, "local");
        CompletableFuture<Environment> loading = loading(name);
        if (loading != null) early = new Early(name, loading);
    }

    /**
     * The environment {@code name} read, bound and its secrets learnt on another thread; null for the
     * local sandbox when it is not up (the command starts it, saying so, before it loads it).
     */
    private static CompletableFuture<Environment> loading(String name) {
        if ("local".equals(name) && !Files.isRegularFile(OpsPaths.sandboxEnvironment(OpsPaths.home()))) return null;
        return CompletableFuture.supplyAsync(() -> Redaction.learn(Environment.named(name)));
    }

    /** The context, its progress quiet with {@code --quiet}. */
    static OpsContext open(Environment environment, boolean dryRun, Confirmer confirmer, CommandSpec spec) {
        return open(environment, dryRun, confirmer, spec, null);
    }

    /** As above, every effect of a run checked against {@code guard} first (a saved plan's effects, an approvals policy). */
    static OpsContext open(Environment environment, boolean dryRun, Confirmer confirmer, CommandSpec spec,
                           io.discordination.ops.gate.EffectGuard guard) {
        OpsContext.Builder b = OpsContext.builder().environment(environment).opsHome(OpsPaths.home())
                .confirmer(confirmer).guard(guard).progress(OpsCommand.of(spec).quiet() ? Progress.Style.QUIET : Progress.detectStyle(), System.err)
                .notices(notices(spec));
        if (dryRun) b.dryRun();
        OpsContext context = b.build();
        Redaction.use(context.redactor());
        return context;
    }

    /** Notices of the context (the central audit trail cannot be written): {@code ops: <line>} on the command's stderr. */
    static java.util.function.Consumer<String> notices(CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        return line -> {
            err.println("ops: " + TerminalText.escape(line));
            err.flush();
        };
    }

    /**
     * Plans or runs {@code runbook} in {@code context} (its mode decides), printing each step as it
     * goes or one JSON document at the end, and the failure line on stderr (with {@code debug}, the
     * failed step's stack trace after it, redacted); returns the exit code.
     * Each step's calls to AWS, Redis and PostgreSQL go into the JSON ({@code awsCalls},
     * {@code redisCommands}, {@code postgresStatements}) and, with {@code debug}, to stderr.
     */
    static ExitCode execute(OpsContext context, Runbook runbook, Map<String, Object> values, Resume resume,
                       OutputOption output, CommandSpec spec) {
        return execute(context, runbook, values, resume, output, spec, null);
    }

    /**
     * As above; {@code after} (may be null) is called with the report once the runbook is done, before
     * the JSON is printed, and the fields it returns are added to that JSON ({@code planId}).
     */
    static ExitCode execute(OpsContext context, Runbook runbook, Map<String, Object> values, Resume resume,
                       OutputOption output, CommandSpec spec, java.util.function.Function<RunReport, Map<String, ?>> after) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // a run writes the audit trail and a journal: say where they stay (after bad input was ruled out)
        if (!context.isDryRun()) RegistryNotice.say(context.registry(), spec);
        OpsCommand globals = OpsCommand.of(spec);
        boolean debug = OpsCommand.debugRequested(spec);
        ConsoleReporter reporter = new ConsoleReporter(out, err, output.isJson()).quiet(globals.quiet())
                .colours(Terminal.colours()).environmentArgument(globals.environmentOr("local")).commandsHome(context.opsHome());
        StepCalls calls = StepCalls.of(context, reporter, debug ? err : null);
        // a plan printed as text never needs its results as JSON; a run always journals them
        boolean jsonResults = !context.isDryRun() || output.isJson();
        RunbookRunner runner = new RunbookRunner(context, calls, jsonResults);
        RunReport report;
        try (Interrupts ignored = context.isDryRun() ? null : Interrupts.during(runner, context.runId(), runbook.name(),
                globals.environmentOr("local"), err)) {
            report = runner.run(runbook, values, resume);
        }
        Map<String, ?> extra = after == null ? Map.of() : after.apply(report);
        // a plan takes no lease, but says who holds the targets it would change now
        java.util.List<Lease> held = context.isDryRun() ? heldTargets(context) : java.util.List.of();
        if (output.isJson()) {
            com.fasterxml.jackson.databind.JsonNode tree = calls.annotate(report);
            if (tree instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
                extra.forEach(object::putPOJO);
                if (context.isDryRun()) object.set("leaseHolders", io.discordination.ops.Json.mapper().valueToTree(held));
            }
            output.print(out, tree);
        } else if (!held.isEmpty()) {
            for (Lease l : held) {
                out.println("Held now: " + TerminalText.escape(l.target()) + " by " + TerminalText.escape(l.describe()) + ", "
                        + l.expiryText(System.currentTimeMillis()) + "; a run waits for it with --wait or is refused");
            }
            out.flush();
        }
        // at a terminal the reporter's FAILED or DECLINED line is the one report; piped, stderr gets it too
        if (!report.ok()) {
            if (output.isJson() || System.console() == null) err.println("ops: " + TerminalText.escape(String.valueOf(report.error())));
            if (reporter.failure() != null && debug) {
                java.io.StringWriter trace = new java.io.StringWriter();
                reporter.failure().printStackTrace(new PrintWriter(trace));
                err.print(TerminalText.escapeKeepingLines(context.redactor().redact(trace.toString())));
            }
            err.flush();
        }
        return ExitCode.of(report.exitCode());
    }

    /** The unexpired leases of the targets a plan would change, one read for all of them; none when the plan changes nothing. */
    private static java.util.List<Lease> heldTargets(OpsContext context) {
        java.util.Set<String> targets = new java.util.LinkedHashSet<>();
        for (io.discordination.ops.gate.Effect e : context.plan().effects()) {
            String target = LeaseTargets.of(e);
            if (target != null) targets.add(target);
        }
        if (targets.isEmpty()) return java.util.List.of();
        long now = System.currentTimeMillis();
        try {
            return context.registry().leases().find(targets).values().stream().filter(l -> l.activeAt(now)).toList();
        } catch (RuntimeException unreadable) {
            // the plan stands without them; a run would find out
            return java.util.List.of();
        }
    }
}
