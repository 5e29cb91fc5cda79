package io.discordination.ops.cli;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.runbook.Journal;
import io.discordination.ops.runbook.Resume;
import io.discordination.ops.runbook.Runbook;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** {@code ops run NAME}: runs a runbook, confirming destructive effects, journaling each step. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a runbook step by step. Destructive effects are confirmed (y/N at a terminal, --yes, and the "
                + "environment's name for protected ones); every step is journaled under OPS_HOME/runs/."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    RunbookArguments arguments;

    @Mixin
    EnvironmentOption environment;

    @Option(names = {"-y", "--yes"}, description = "Approve every destructive effect without asking.")
    boolean yes;

    @Option(names = "--confirm-env", paramLabel = "NAME",
            description = "The protected environment's name, typed up front (needed with --yes on prod).")
    String confirmEnvironment;

    @Option(names = "--resume", paramLabel = "RUN_ID",
            description = "Resume a run that failed or was killed: same parameters, finished actions are skipped, checks run again.")
    String resume;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Supplier<Environment> ahead = RunbookInvocation.environmentAhead(environment.name(), spec.commandLine().getErr());
        Runbook rb = RunbookInvocation.loadForRun(arguments.runbook);
        Resume from = null;
        Map<String, String> given = arguments.params;
        if (resume != null) {
            from = Resume.from(Journal.read(OpsPaths.home(), resume), rb, arguments.params);
            String named = environment.name().contains("/") || environment.name().endsWith(".yaml")
                    ? Environment.named(environment.name()).name() : environment.name();
            if (!from.environment().equals(named)) {
                throw OpsException.builder("run " + resume + " ran in environment " + from.environment() + ", not " + named)
                        .hint("resume it with --env " + from.environment()).invalidInput();
            }
            given = from.parameters();
        }
        Map<String, Object> values = rb.bind(given);
        Environment env = ahead.get();
        try (OpsContext context = RunbookInvocation.open(env, false, Confirmer.terminal(yes, confirmEnvironment))) {
            return RunbookInvocation.execute(context, rb, values, from, output,
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }
}
