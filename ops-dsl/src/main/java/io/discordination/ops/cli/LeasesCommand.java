package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.registry.Lease;
import io.discordination.ops.registry.Leases;
import io.discordination.ops.text.Table;
import io.discordination.ops.text.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/** {@code ops leases}: who holds which target now; {@code ops leases break TARGET} ends a lease whose run is dead. */
@Command(name = "leases", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops leases --env prod                        who is changing what in prod",
                "  ops leases --env prod --output json",
                "  ops leases break 'secret:discordination/jwt-secret' --env prod   type prod, then y/N"},
        description = {"List the leases of an environment: each target a run is changing (or changed), who holds it (AWS caller "
                + "identity), the run, its runbook and host, since when, and when it expires. A run takes the lease of each "
                + "target before its first effect on it and keeps it until it ends; a second run on the target is refused "
                + "(exit 3) or waits (ops run --wait)."},
        subcommands = LeasesCommand.Break.class)
final class LeasesCommand extends OpsSubcommand {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Mixin
    EnvironmentOption environment;

    @Mixin
    OutputOption output;

    /** One lease as {@code --output json} prints it: the stored lease and its state now. */
    record Shown(String target, String environment, String holder, String host, String runId, String runbook, Instant since,
                 long expiresAt, long token, long pid, String state, String expires) {
        static Shown of(Lease l, long now) {
            String state = l.activeAt(now) ? "held" : l.released() ? "released" : "expired";
            return new Shown(l.target(), l.environment(), l.holder(), l.host(), l.runId(), l.runbook(), l.since(), l.expiresAt(),
                    l.token(), l.pid(), state, l.expiryText(now));
        }
    }

    @Override
    protected ExitCode execute() {
        Environment env = RunbookInvocation.environmentAhead(environment.name(), err()).get();
        try (OpsContext context = RunbookInvocation.open(env, true, Confirmer.nonInteractive(false, null), spec)) {
            Leases leases = context.registry().leases();
            long now = System.currentTimeMillis();
            List<Shown> shown = leases.list().stream().map(l -> Shown.of(l, now)).toList();
            if (output.isJson()) {
                output.print(out(), shown);
                return ExitCode.OK;
            }
            Table table = Table.with("TARGET", "STATE", "HOLDER", "RUN", "RUNBOOK", "HOST", "SINCE", "EXPIRES", "TOKEN");
            for (Shown s : shown) {
                table.row(s.target(), s.state(), s.holder(), s.runId(), s.runbook(), s.host(),
                        s.since() == null ? "" : TIME.format(s.since()), s.expires(), s.token());
            }
            if (shown.isEmpty()) {
                err().println("ops: no leases in " + env.name() + " (" + leases.describe() + ")");
            } else {
                output.print(out(), table);
            }
        }
        return ExitCode.OK;
    }

    @Command(name = "break", mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                    "  ops leases break 'ecs:discordination-prod/api' --env prod",
                    "  ops --no-input leases break 'secret:discordination/jwt-secret' --env prod --yes --confirm-env prod"},
            description = {"End the lease of TARGET, whoever holds it: for a run that is dead or stuck. Its next effect is then "
                    + "refused (the run lost its lease) and the next run takes the target over with a higher token. A "
                    + "destructive effect: confirmed (the environment's name on a protected one) and audited."})
    static final class Break extends OpsSubcommand {
        @Parameters(index = "0", paramLabel = "TARGET", description = "The lease target, as ops leases lists it (secret:discordination/jwt-secret).")
        String target;

        @Mixin
        EnvironmentOption environment;

        @Mixin
        ConfirmationOptions confirmation;

        @Override
        protected ExitCode execute() {
            if (target.isBlank() || target.length() > 1024 || target.indexOf(':') < 1 || target.chars().anyMatch(Character::isISOControl)) {
                throw OpsException.builder("Invalid lease target '" + TerminalText.escape(target.length() > 80 ? target.substring(0, 80) + "..." : target) + "'")
                        .hint("give it as ops leases lists it: <system>:<target>, such as secret:discordination/jwt-secret").invalidInput();
            }
            Environment env = RunbookInvocation.environmentAhead(environment.name(), err()).get();
            try (OpsContext context = RunbookInvocation.open(env, false, confirmation.confirmer(noInput()), spec)) {
                Leases leases = context.registry().leases();
                Optional<Lease> found = leases.find(target);
                if (found.isEmpty()) {
                    throw OpsException.builder("No lease of " + TerminalText.escape(target) + " in " + env.name())
                            .hint("ops leases --env " + env.name() + " lists them; nothing was changed").invalidInput();
                }
                Lease was = found.get();
                long now = System.currentTimeMillis();
                if (!was.activeAt(now)) {
                    out().println("The lease of " + TerminalText.escape(target) + " is not held (" + was.expiryText(now)
                            + ", last by run " + was.runId() + "); nothing to break.");
                    return ExitCode.OK;
                }
                Effect effect = Effect.on("ops", "lease " + target + " in " + env.name()).verb("break-lease")
                        .param("holder", was.holder()).param("run", was.runId()).param("runbook", was.runbook())
                        .param("host", was.host()).param("since", String.valueOf(was.since())).param("token", was.token())
                        .destructive().build();
                out().println("Breaking the lease of " + TerminalText.escape(target) + ", held by " + TerminalText.escape(was.describe()));
                out().flush();
                Optional<Lease> broken = context.gate().apply(effect, () -> leases.breakLease(target), Optional::empty);
                if (broken.isEmpty()) {
                    throw OpsException.builder("No lease of " + TerminalText.escape(target) + " in " + env.name() + " any more")
                            .hint("ops leases --env " + env.name() + " lists them").invalidInput();
                }
                out().println("Broken: run " + was.runId() + " no longer holds " + TerminalText.escape(target)
                        + "; its next effect is refused, and the next run takes the target over.");
            }
            return ExitCode.OK;
        }
    }
}
