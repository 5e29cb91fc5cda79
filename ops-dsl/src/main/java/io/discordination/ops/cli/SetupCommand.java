package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.registry.ControlPlaneSetup;
import io.discordination.ops.text.Table;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ops setup --env NAME}: the environment's control plane (its {@code registry:} section)
 * planned, then created or checked: the registry table with its index, TTL and point-in-time
 * recovery, the audit log group with its retention, the journal bucket. What is missing or differs
 * is set through the gate, one confirmed and audited effect per resource; a complete control plane
 * changes nothing.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops setup --env prod                              plan, then create what is missing (asks; prod wants its name)",
                "  ops setup --env prod --yes --confirm-env prod     the same in automation",
                "  ops setup --env staging --output json"},
        description = {"Plan, then create or check the environment's control plane (registry: the DynamoDB table, the audit "
                + "log group, the journal bucket; docs/control-plane.md). Idempotent: a complete one changes nothing. "
                + "Exit 2 without a registry: section, 3 when refused or when a resource conflicts."})
final class SetupCommand extends OpsSubcommand {
    /** The retention periods CloudWatch Logs accepts. */
    private static final Set<Integer> RETENTIONS = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
            1096, 1827, 2192, 2557, 2922, 3288, 3653);

    @Mixin
    EnvironmentOption environment;

    @Mixin
    ConfirmationOptions confirmation;

    @Mixin
    OutputOption output;

    @Option(names = "--audit-retention-days", paramLabel = "DAYS", defaultValue = "" + ControlPlaneSetup.DEFAULT_RETENTION_DAYS,
            description = "Retention to set on an audit log group that has none (default ${DEFAULT-VALUE}, as the template); "
                    + "a group that has one keeps it.")
    int retentionDays;

    /** What {@code --output json} prints. */
    record Report(String environment, String table, String auditLogGroup, String journalBucket, String journalPrefix,
                  List<ControlPlaneSetup.Item> plan, List<Effect> applied, List<ControlPlaneSetup.Item> now, boolean complete,
                  String runId) {
    }

    @Override
    protected ExitCode execute() {
        if (!RETENTIONS.contains(retentionDays)) {
            throw OpsException.builder("--audit-retention-days " + retentionDays + " is not a retention CloudWatch Logs accepts")
                    .hint("one of " + new java.util.TreeSet<>(RETENTIONS)).invalidInput();
        }
        Environment env = RunbookInvocation.environmentAhead(environment.name(), err()).get();
        if (!env.topology().registry().configured()) {
            throw OpsException.builder("environment " + env.name() + " has no registry: section; there is no control plane to set up"
                            + " (its runs, leases and audit trail stay in local files under OPS_HOME)")
                    .environment(env.name())
                    .hint("add registry: (table, auditLogGroup, journalBucket, journalPrefix) to " + env.name() + "'s file; see docs/control-plane.md")
                    .invalidInput();
        }
        String region = env.topology().aws().regionOrDefault();
        PrintWriter out = out();
        io.discordination.ops.gate.Confirmer confirmer = confirmation.confirmer(noInput());
        try (OpsContext context = RunbookInvocation.open(env, false, confirmer, spec)) {
            // the registry table may be what this command is about to create: where it cannot take a lease in it
            // (even under audit.requireCentral), each change is locked on this machine instead
            context.leases().fallBackTo(() -> new io.discordination.ops.registry.LocalLeases(
                    context.opsHome().resolve("locks"), env.name()), line -> { });
            ControlPlaneSetup setup = new ControlPlaneSetup(context.registry(), region, retentionDays);
            ControlPlaneSetup.Plan plan = setup.inspect();
            if (!output.isJson()) print(out, "Control plane of " + env.name() + " (" + context.registry().describe() + "):", plan);
            if (plan.complete()) {
                if (output.isJson()) output.print(out, report(plan, List.of(), plan, null));
                else out.println("complete: everything is in place; nothing was changed");
                out.flush();
                return ExitCode.OK;
            }
            if (!output.isJson()) {
                out.println(plan.conflicts().isEmpty() ? "to do: " + plan.effects().size() + " change(s), each confirmed and audited"
                        : "cannot complete it: " + plan.conflicts().size() + " conflict(s); nothing will be changed");
                out.flush();
            }
            // a trail the environment requires cannot be required before it exists: its creation is confirmed here
            List<Effect> applied = plan.apply(context.gate(),
                    env.topology().audit().requiresCentral() ? effect -> confirmer.decide(effect, env) : null);
            ControlPlaneSetup.Plan after = setup.inspect();
            if (output.isJson()) {
                output.print(out, report(plan, applied, after, context.runId()));
            } else {
                for (Effect e : applied) out.println("done: " + TerminalText.escape(e.summary()) + "  " + TerminalText.escape(Effect.parametersText(e.parameters())));
                out.println(after.complete() ? "complete: the control plane of " + env.name() + " is in place (run " + context.runId() + ")"
                        : "NOT complete after the changes:");
                if (!after.complete()) print(out, null, after);
            }
            out.flush();
            return after.complete() ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    private static Report report(ControlPlaneSetup.Plan plan, List<Effect> applied, ControlPlaneSetup.Plan after, String runId) {
        return new Report(plan.environment(), plan.table(), plan.auditLogGroup(), plan.journalBucket(), plan.journalPrefix(),
                plan.items(), applied, after.items(), after.complete(), runId);
    }

    private static void print(PrintWriter out, String heading, ControlPlaneSetup.Plan plan) {
        if (heading != null) out.println(TerminalText.escape(heading));
        Table table = Table.with("RESOURCE", "NAME", "STATE", "FOUND", "ACTION");
        for (ControlPlaneSetup.Item i : plan.items()) {
            table.row(i.resource(), TerminalText.escape(i.name()), i.state().name().toLowerCase(Locale.ROOT),
                    TerminalText.escape(i.found()), i.action() == null ? "-" : TerminalText.escape(i.action()));
        }
        out.print(table);
        out.flush();
    }
}
