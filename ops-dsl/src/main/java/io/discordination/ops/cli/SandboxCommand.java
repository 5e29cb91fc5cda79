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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ops sandbox up|down|status|reset|env}: the local Discordination that the {@code local}
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
                SandboxCommand.Reset.class, SandboxCommand.Env.class})
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
                    "  eval \"$(ops sandbox env)\" && redis-cli -u \"$REDIS_URL\" info clients"},
            description = "Print export lines: after eval \"$(ops sandbox env)\" the runbook's own commands run verbatim against the sandbox.")
    static final class Env extends OpsSubcommand {
        @Override
        protected ExitCode execute() {
            Sandbox sandbox = sandbox();
            if (!Files.isRegularFile(sandbox.environmentFile())) {
                throw OpsException.builder("The sandbox in " + sandbox.directory() + " is not up")
                        .hint("start it with: ops sandbox up").build();
            }
            SandboxInfo info = failingClearly(sandbox::info);
            PrintWriter out = out();
            out.println("# the Discordination sandbox of " + info.opsHome() + "; use: eval \"$(ops sandbox env)\"");
            // a sandbox shell talks to the sandbox only: no profile or session token of a real account
            out.println("unset AWS_PROFILE AWS_SESSION_TOKEN");
            for (Map.Entry<String, String> e : info.exports().entrySet()) {
                String value = ShellWords.singleQuoted(e.getValue());
                if (e.getKey().equals("PYTHONPATH")) value += "\"${PYTHONPATH:+:$PYTHONPATH}\"";
                out.println("export " + e.getKey() + "=" + value);
            }
            out.flush();
            return ExitCode.OK;
        }
    }
}
