package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.runbook.Runbook;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.function.Supplier;

/** {@code ops plan NAME}: a dry run. Checks run, actions show what they would do, nothing changes. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops plan api-not-responding",
                "  ops plan flush-redis-cache --param scope=rate-limits",
                "  ops --env prod plan compromised-account --param user=<uuid>",
                "  ops plan ./my-runbook.jsh --output json"},
        description = {"Dry-run a runbook: check steps run (reads), action steps show their effects with resolved targets "
                + "and equivalent commands, verify steps are not polled. Nothing changes."})
final class PlanCommand extends OpsSubcommand {
    @Mixin
    RunbookArguments arguments;

    @Mixin
    EnvironmentOption environment;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        Supplier<Environment> ahead = RunbookInvocation.environmentAhead(environment.name(), err());
        Runbook rb = RunbookInvocation.loadForRun(arguments.runbook);
        Map<String, Object> values = rb.bind(arguments.params(rb));
        Environment env = ahead.get();
        try (OpsContext context = RunbookInvocation.open(env, true, Confirmer.nonInteractive(false, null), spec)) {
            return RunbookInvocation.execute(context, rb, values, null, output, spec);
        }
    }
}
