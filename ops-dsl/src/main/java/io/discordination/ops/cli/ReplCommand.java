package io.discordination.ops.cli;

import groovy.lang.Binding;
import groovy.lang.GroovyShell;
import io.discordination.ops.ExitCode;
import io.discordination.ops.Ops;
import io.discordination.ops.OpsContext;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.runbook.Library;
import io.discordination.ops.runbook.jshell.JShellCompiler;
import io.discordination.ops.runbook.groovy.GroovyCompiler;
import io.discordination.ops.text.TerminalText;
import jdk.jshell.tool.JavaShellToolBuilder;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ops repl}: JShell with the library on the class path, the preamble imported and a context
 * open on the chosen environment, so {@code ecs("api").status()} works at the first prompt.
 * Snippets run in this JVM (local execution), so they see the context this command opened.
 * {@code --groovy}: a line-based Groovy shell over {@link GroovyShell} with the same imports.
 */
@Command(name = "repl", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops repl                     JShell on the sandbox; help() lists the entry points",
                "  ops repl --groovy --env staging",
                "  ops repl --env prod --dry-run   effects are planned, never applied"},
        description = {"An interactive JShell (or Groovy with --groovy) with the library imported and a context open on the "
                + "environment: ecs(\"api\").status() works at the first prompt. Effects go through the Gate as in a run: "
                + "destructive ones are confirmed and audited."})
final class ReplCommand extends OpsSubcommand {
    @Mixin
    EnvironmentOption environment;

    @Option(names = "--groovy", description = "A Groovy shell instead of JShell.")
    boolean groovy;

    @Option(names = "--dry-run", description = "Open the context in dry-run mode: effects are planned, not applied.")
    boolean dryRun;

    @Override
    protected ExitCode execute() throws Exception {
        Environment env = RunbookInvocation.environment(environment.name(), err());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (OpsContext context = RunbookInvocation.open(env, dryRun, confirmer(in), spec);
             Ops.Scope ignored = Ops.use(context)) {
            if (!dryRun) RegistryNotice.say(context.registry(), spec);
            // a REPL is no run: a line's effects hold their targets' leases while the line runs, not while the shell is open
            Runnable release = () -> {
                if (context.leases() != null) context.leases().close();
            };
            ReplExecution.afterEachSnippet(release);
            String banner = "ops repl: environment " + env.name() + (dryRun ? " (dry run)" : "")
                    + "; the library is imported (try: ecs(\"api\").status()). ";
            return groovy ? groovy(in, banner + "Type :help for the entry points, :exit to leave.", release)
                    : jshell(banner + "Type help() for the entry points, /exit to leave.");
        }
    }

    /**
     * Destructive calls ask where the shell reads its input: Groovy's loop reads {@code in} itself;
     * JShell's line editor owns the terminal, so the answer is read through JShell's own input
     * ({@link ReplExecution}). With --no-input nobody is asked and destructive calls are refused.
     */
    private Confirmer confirmer(BufferedReader in) {
        if (noInput()) return Confirmer.nonInteractive(false, null);
        if (!groovy) return Confirmer.asking(ReplExecution.prompt(), false);
        PrintWriter out = out();
        return Confirmer.asking(question -> {
            out.print(question);
            out.flush();
            try {
                return in.readLine();
            } catch (java.io.IOException e) {
                return null;
            }
        }, false);
    }

    private ExitCode jshell(String banner) throws Exception {
        Path startup = Files.createTempFile("ops-repl", ".jsh");
        try {
            List<String> lines = new ArrayList<>(JShellCompiler.preamble());
            lines.add("void help() { System.out.print(" + javaString(ReplHelp.text("/exit")) + "); }");
            lines.add("System.out.println(" + javaString(banner) + ");");
            Files.write(startup, lines, StandardCharsets.UTF_8);
            // local execution (ReplExecution): snippets run in this JVM and see the context opened above
            int status = JavaShellToolBuilder.builder().start(
                    "--execution", "opsrepl",
                    "--class-path", String.join(File.pathSeparator, Library.classPath()),
                    "--startup", "DEFAULT", "--startup", startup.toString(),
                    "--feedback", "normal");
            // JShell's own status, or the one given to /exit: ours where it is one of ours, else failed
            return status == 0 ? ExitCode.OK : java.util.Arrays.stream(ExitCode.values()).filter(c -> c.code() == status)
                    .findFirst().orElse(ExitCode.FAILED);
        } finally {
            Files.deleteIfExists(startup);
        }
    }

    private static String javaString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private ExitCode groovy(BufferedReader in, String banner, Runnable afterStatement) throws Exception {
        PrintWriter out = out();
        Binding binding = new Binding();
        String help = ReplHelp.text(":exit");
        binding.setVariable("help", new groovy.lang.Closure<Void>(null) {
            @Override
            public Void call(Object... args) {
                out.print(help);
                out.flush();
                return null;
            }
        });
        GroovyShell shell = new GroovyShell(ReplCommand.class.getClassLoader(), binding, GroovyCompiler.replConfiguration());
        out.println(banner);
        StringBuilder pending = new StringBuilder();
        while (true) {
            out.print(pending.length() == 0 ? "groovy> " : "   ...> ");
            out.flush();
            String line = in.readLine();
            if (line == null || (pending.length() == 0 && (line.strip().equals(":exit") || line.strip().equals(":quit")))) break;
            if (pending.length() == 0 && line.strip().startsWith(":")) {
                // shell commands, not Groovy: evaluating ":help" would be a syntax error
                out.print(line.strip().equals(":help") ? help : "unknown command " + line.strip() + "; :help lists the entry points, :exit leaves\n");
                continue;
            }
            pending.append(line).append('\n');
            try {
                Object value;
                try {
                    value = shell.evaluate(pending.toString(), "repl.groovy");
                } finally {
                    afterStatement.run(); // before its value is shown (a statement cut short by a line break ran nothing)
                }
                pending.setLength(0);
                // a value may be remote text (a log line, a room name): redacted, and escaped for the terminal
                out.println("==> " + TerminalText.escapeKeepingLines(Ops.context().redactor().redact(String.valueOf(value))));
            } catch (MultipleCompilationErrorsException e) {
                if (e.getMessage().contains("Unexpected input: '<EOF>'") || e.getMessage().contains("unexpected end of file")
                        || e.getMessage().contains("Premature end of file")) {
                    continue; // the statement goes on on the next line
                }
                pending.setLength(0);
                out.println("error: " + firstLine(e.getErrorCollector().getErrors().isEmpty() ? e.getMessage()
                        : e.getErrorCollector().getErrors().get(0).toString()));
            } catch (Exception e) {
                pending.setLength(0);
                out.println("error: " + TerminalText.escape(Ops.context().redactor().redact(
                        e.getClass().getSimpleName() + ": " + firstLine(String.valueOf(e.getMessage())))));
            }
        }
        out.flush();
        return ExitCode.OK;
    }

    private static String firstLine(String s) {
        String t = s.replaceFirst("(?s)^startup failed:\\s*", "");
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
