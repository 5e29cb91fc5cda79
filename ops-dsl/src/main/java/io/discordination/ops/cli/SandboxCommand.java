package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.text.ShellWords;
import io.discordination.ops.sandbox.ComponentStatus;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.text.Table;
import io.discordination.ops.text.TerminalText;
import io.discordination.ops.sandbox.drill.Observation;
import io.discordination.ops.sandbox.drill.Probe;
import io.discordination.ops.sandbox.drill.SandboxAccess;
import io.discordination.ops.sandbox.drill.Scenario;
import io.discordination.ops.sandbox.drill.Scenarios;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ops sandbox up|down|status|reset|env|break|heal}: the local Discordination that the {@code local}
 * environment points at. Progress goes to stderr; stdout carries what runs where (or the
 * {@code export} lines of {@code env}).
 *
 * <pre>{@code ops sandbox up && eval "$(ops sandbox env)" && aws ecs describe-services --cluster discordination-prod --services api}</pre>
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops sandbox up && eval \"$(ops sandbox env)\"",
                "  ops sandbox status",
                "  ops sandbox down"},
        description = "A complete local Discordination (AWS emulator, Redis, PostgreSQL, LiveKit emulator) for drills, demos and tests.",
        subcommands = {SandboxCommand.Up.class, SandboxCommand.Down.class, SandboxCommand.Status.class,
                SandboxCommand.Reset.class, SandboxCommand.Env.class, SandboxCommand.Break.class, SandboxCommand.Heal.class})
final class SandboxCommand extends OpsSubcommand {
    @Override
    protected ExitCode execute() {
        return usage();
    }

    static Sandbox sandbox() {
        return Sandbox.at(OpsPaths.home());
    }

    /**
     * Runs a sandbox action. A {@link SandboxException} reaches the command line's failure handler
     * as it is: one line saying what failed, then the failing server's log tail; exit code 1.
     */
    static <T> T failingClearly(java.util.function.Supplier<T> action) {
        return action.get();
    }

    /** Runs {@code up} or {@code reset}, streaming its progress lines to stderr, and says how long it took and where. */
    static void withProgress(PrintWriter err, boolean quiet, String what, java.util.function.Function<java.util.function.Consumer<String>, ?> operation) {
        long start = System.nanoTime();
        failingClearly(() -> operation.apply(line -> {
            if (quiet) return;
            err.println("sandbox: " + line);
            err.flush();
        }));
        if (quiet) return;
        err.printf(Locale.ROOT, "sandbox: %s in %.1f s (%s)%n", what, (System.nanoTime() - start) / 1e9, sandbox().directory());
        err.flush();
    }

    static void printWhere(PrintWriter out, Sandbox sandbox) {
        Table table = Table.with("COMPONENT", "ADDRESS", "PID", "HEALTH");
        for (ComponentStatus s : sandbox.status()) {
            table.row(label(s.name()), s.address(), s.pid() > 0 ? s.pid() : "-", s.healthy() ? "ok" : s.running() ? "NOT ANSWERING" : "down");
        }
        out.print(table);
        out.println();
        out.println("environment  local  (" + sandbox.environmentFile() + ")");
        out.println("shell        eval \"$(ops sandbox env)\"   then the runbook's aws, redis-cli and psql commands reach the sandbox");
        out.flush();
    }

    static String label(String component) {
        return switch (component) {
            case Sandbox.MOTO -> "aws (moto)";
            case Sandbox.AGENT -> "livekit + ecs agent";
            default -> component;
        };
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                    "  ops sandbox up",
                    "  OPS_HOME=/tmp/drill ops sandbox up      a second, independent sandbox"},
            description = "Start everything on free 127.0.0.1 ports (reusing what already runs), seed it, write the local environment.")
    static final class Up extends OpsSubcommand {
        @Override
        protected ExitCode execute() {
            PrintWriter err = err();
            Sandbox sandbox = sandbox();
            withProgress(err, quiet(), "up", sandbox::up);
            printWhere(out(), sandbox);
            return ExitCode.OK;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                    "  ops sandbox down"},
            description = "Stop exactly the processes the sandbox started (by PID); data and logs stay.")
    static final class Down extends OpsSubcommand {
        @Override
        protected ExitCode execute() {
            PrintWriter out = out();
            failingClearly(() -> {
                sandbox().down(line -> out.println(line));
                return null;
            });
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                    "  ops sandbox status",
                    "  ops sandbox status --output json"},
            description = "Each component, its address and a live health check. Exit code 1 when any is not healthy.")
    static final class Status extends OpsSubcommand {
        @Mixin
        OutputOption output;

        @Override
        protected ExitCode execute() {
            Sandbox sandbox = sandbox();
            List<ComponentStatus> status = sandbox.status();
            PrintWriter out = out();
            if (output.isJson()) {
                output.print(out, status);
            } else {
                Table table = Table.with("COMPONENT", "ADDRESS", "PID", "HEALTH", "DETAIL");
                for (ComponentStatus s : status) {
                    table.row(label(s.name()), s.address(), s.pid() > 0 ? s.pid() : "-",
                            s.healthy() ? "ok" : s.running() ? "NOT ANSWERING" : "down", s.detail());
                }
                out.print(table);
                out.flush();
            }
            boolean healthy = status.stream().allMatch(ComponentStatus::healthy);
            if (!healthy) {
                PrintWriter err = err();
                err.println("ops: the sandbox is not (fully) up; start it with: ops sandbox up");
                err.flush();
            }
            return healthy ? ExitCode.OK : ExitCode.FAILED;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                    "  ops sandbox reset                              after a drill"},
            description = "Back to the seeded state, reseeding running servers in place (and starting any that are missing).")
    static final class Reset extends OpsSubcommand {
        @Override
        protected ExitCode execute() {
            PrintWriter err = err();
            Sandbox sandbox = sandbox();
            withProgress(err, quiet(), "reset", sandbox::reset);
            printWhere(out(), sandbox);
            return ExitCode.OK;
        }
    }

    @Command(name = "env", mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                    "  eval \"$(ops sandbox env)\" && redis-cli -u \"$REDIS_URL\" info clients",
                    "  eval \"$(ops sandbox env --operator bob)\"    in a second shell: ops and aws as the IAM user bob, on this sandbox"},
            description = "Print export lines: after eval \"$(ops sandbox env)\" the runbook's own commands run verbatim against the sandbox.")
    static final class Env extends OpsSubcommand {
        @picocli.CommandLine.Option(names = "--operator", paramLabel = "NAME",
                description = "A second operator: the credentials of the IAM user NAME in moto (made if missing) and OPS_ENV naming "
                        + "this sandbox's environment file, so a shell with another OPS_HOME works on this sandbox as NAME.")
        String operator;

        @Override
        protected ExitCode execute() {
            Sandbox sandbox = sandbox();
            if (operator != null && !io.discordination.ops.sandbox.aws.Operators.validName(operator)) {
                throw OpsException.builder("--operator " + TerminalText.escape(operator) + ": an operator's name is an IAM user name "
                        + "(letters, digits and +=,.@_-, at most 64, starting with a letter or digit)").hint("ops sandbox env --operator bob").invalidInput();
            }
            if (!Files.isRegularFile(sandbox.environmentFile())) {
                throw OpsException.builder("The sandbox in " + sandbox.directory() + " is not up")
                        .hint("start it with: ops sandbox up").build();
            }
            SandboxInfo info = failingClearly(sandbox::info);
            PrintWriter out = out();
            Map<String, String> exports;
            if (operator == null) {
                out.println("# the Discordination sandbox of " + info.opsHome() + "; use: eval \"$(ops sandbox env)\"");
                exports = info.exports();
            } else {
                io.discordination.ops.sandbox.SandboxOperator who = failingClearly(() -> sandbox.operator(operator));
                out.println("# operator " + who.name() + " (" + who.arn() + ") on the Discordination sandbox of " + info.opsHome()
                        + "; in a second shell: eval \"$(ops sandbox env --operator " + who.name() + ")\"");
                exports = who.exports();
            }
            // a sandbox shell talks to the sandbox only: no profile or session token of a real account
            out.println("unset AWS_PROFILE AWS_SESSION_TOKEN");
            for (Map.Entry<String, String> e : exports.entrySet()) {
                String value = ShellWords.singleQuoted(e.getValue());
                if (e.getKey().equals("PYTHONPATH")) value += "\"${PYTHONPATH:+:$PYTHONPATH}\"";
                out.println("export " + e.getKey() + "=" + value);
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    /** Where {@code break} records what it broke and when, for {@code heal} to reveal and score. */
    static Path brokenRecord(Sandbox sandbox) {
        return sandbox.directory().resolve("broken.properties");
    }

    @Command(name = "break", mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                    "  ops sandbox break api-not-responding",
                    "  ops sandbox break --random         a game day: the scenario stays hidden until ops sandbox heal"},
            description = "Reproduce a runbook's incident in the sandbox (ops drill --list names them); heal it with ops sandbox heal.")
    static final class Break extends OpsSubcommand {
        @picocli.CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "SCENARIO", description = "The runbook whose incident to reproduce.")
        String name;

        @picocli.CommandLine.Option(names = "--random", description = "Pick one at random and do not say which.")
        boolean random;

        @Override
        protected ExitCode execute() throws Exception {
            if (random == (name != null)) {
                throw OpsException.builder("ops sandbox break takes a scenario or --random (one of " + Scenarios.names() + ")")
                        .hint("ops drill --list").invalidInput();
            }
            Scenario scenario = random ? Scenarios.all().get(new java.security.SecureRandom().nextInt(Scenarios.all().size()))
                    : Scenarios.byName(name).orElseThrow(() -> OpsException.builder("no scenario " + name + "; the scenarios: "
                            + Scenarios.names()).hint("ops drill --list").invalidInput());
            Sandbox sandbox = sandbox();
            LocalSandbox.ensureUp(sandbox.opsHome(), err());
            if (Files.exists(brokenRecord(sandbox))) {
                throw OpsException.builder("the sandbox is broken already").hint("ops sandbox heal first").invalidInput();
            }
            try (SandboxAccess access = SandboxAccess.open(sandbox)) {
                scenario.breakIt(access);
            }
            java.util.Properties record = new java.util.Properties();
            record.setProperty("scenario", scenario.name());
            record.setProperty("brokenAt", java.time.Instant.now().toString());
            try (var w = Files.newBufferedWriter(brokenRecord(sandbox))) {
                record.store(w, "what ops sandbox break broke; ops sandbox heal reads and removes it");
            }
            PrintWriter out = out();
            if (random) {
                out.println("Something in the sandbox is broken. Find it with the runbooks (ops list, ops run NAME) and the REPL (ops repl);");
                out.println("ops sandbox heal says what it was, whether it is fixed, and restores the seeded state.");
            } else {
                out.println("broke: " + scenario.name() + ": " + scenario.symptoms());
                out.println("drill it: ops run " + scenario.name() + "; then ops sandbox heal");
            }
            out.flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "heal", mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                    "  ops sandbox heal"},
            description = "After ops sandbox break: say what was broken, whether each symptom is gone now and how long it has been; "
                    + "then back to the seeded state (as ops sandbox reset).")
    static final class Heal extends OpsSubcommand {
        @Override
        protected ExitCode execute() throws Exception {
            Sandbox sandbox = sandbox();
            PrintWriter out = out();
            Path recordFile = brokenRecord(sandbox);
            if (Files.exists(recordFile)) {
                java.util.Properties record = new java.util.Properties();
                try (var r = Files.newBufferedReader(recordFile)) {
                    record.load(r);
                }
                Scenario scenario = Scenarios.byName(record.getProperty("scenario", "")).orElse(null);
                String at = record.getProperty("brokenAt", "");
                if (scenario != null) {
                    java.time.Duration since = java.time.Duration.between(java.time.Instant.parse(at), java.time.Instant.now());
                    out.println("it was: " + scenario.name() + " (" + scenario.symptoms() + "), broken " + at + ", "
                            + io.discordination.ops.text.Durations.format(since.withNanos(0)) + " ago");
                    Table table = Table.with("SYMPTOM GONE?", "PROBE", "OBSERVED");
                    boolean fixed = true;
                    try (SandboxAccess access = SandboxAccess.open(sandbox)) {
                        for (Probe probe : scenario.probes()) {
                            Observation seen = probe.observe(access);
                            fixed &= seen.passed();
                            table.row(seen.passed() ? "yes" : "NO", probe.description(), TerminalText.escape(seen.observed()));
                        }
                    }
                    out.print(table);
                    out.println(fixed ? "fixed: every symptom is gone" : "not fixed: some symptoms remain");
                }
            } else {
                out.println("nothing was broken with ops sandbox break; resetting anyway");
            }
            out.flush();
            withProgress(err(), quiet(), "healed", sandbox::reset);
            Files.deleteIfExists(recordFile);
            return ExitCode.OK;
        }
    }
}
