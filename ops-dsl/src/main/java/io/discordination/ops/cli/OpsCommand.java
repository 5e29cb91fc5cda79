package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.Redactor;
import io.discordination.ops.text.TerminalText;
import io.discordination.ops.text.Suggestions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The {@code ops} command line. One class per subcommand; diagnostics go to stderr so stdout stays
 * clean for {@code --output json}. Exit codes are {@link ExitCode}'s, listed in the help from there: a
 * subcommand ({@link OpsSubcommand}) returns one, and a failure it throws is printed as one line by
 * the execution exception handler and mapped to one by picocli's exit code exception mapper.
 *
 * <pre>{@code ops env --env prod --output json}</pre>
 */
@Command(name = "ops",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        versionProvider = OpsCommand.Version.class,
        description = "Runbooks as code for the Discordination platform: plan, run and audit operations.",
        exitCodeListHeading = "%nExit codes:%n",
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops list                                  the runbooks and their parameters",
                "  ops plan flush-redis-cache --param scope=api-cache",
                "  ops --env prod run compromised-account --param user=<uuid>",
                "  ops help run                              the options of one command",
                "  source <(ops completion bash)             tab completion in this shell",
                "",
                "Environment:",
                "  OPS_HOME          where ops writes its audit log, run journals, caches and sandbox state (default ~/.ops)",
                "  OPS_RUNBOOKS      the folder of runbooks (as --runbooks), OPS_ENVIRONMENTS the folder of environment files",
                "  OPS_ENV           the environment of every command without --env (ops sandbox env --operator NAME sets it)",
                "  The default environment is 'local', the sandbox; production always takes --env prod."})
public final class OpsCommand implements Runnable {
    /**
     * The subcommands, in the order help lists them. They are registered here rather than in
     * {@code @Command(subcommands = ...)} so that a start registers only the one it runs: picocli
     * builds each command's model by reflection, and all of them cost every start about 0.2 s.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            ListCommand.class,
            DescribeCommand.class,
            PlanCommand.class,
            RunCommand.class,
            ApplyCommand.class,
            ApproveCommand.class,
            PlansCommand.class,
            CheckCommand.class,
            DocsCommand.class,
            ReplCommand.class,
            EnvCommand.class,
            AuditCommand.class,
            SetupCommand.class,
            RunsCommand.class,
            UndoCommand.class,
            LeasesCommand.class,
            SandboxCommand.class,
            DrillCommand.class,
            CommandLine.HelpCommand.class,
            CompletionCommand.class,
            CompleteCommand.class);

    /** Subcommands that need every other one registered: help names them, completion describes them. */
    private static final Set<String> NEED_ALL = Set.of("help", "completion");

    /** Global options that take a value: skipped when looking for the subcommand's name. */
    private static final Set<String> GLOBAL_OPTIONS_WITH_VALUE = Set.of("-e", "--env", "--runbooks");

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of failures (secrets still redacted).")
    boolean debug;

    /** Sets {@code ops.runbooks} (read by {@link io.discordination.ops.OpsPaths#runbooks()}); {@link #main} applies it before anything reads it. */
    @Option(names = "--runbooks", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Folder of runbook scripts (a team's own repository); default $OPS_RUNBOOKS, else runbooks/ of the installation.")
    void runbooks(java.nio.file.Path dir) {
        System.setProperty(RUNBOOKS_PROPERTY, dir.toAbsolutePath().normalize().toString());
    }

    private static final String RUNBOOKS_PROPERTY = "ops.runbooks";

    // the global options below are inherited: accepted before the subcommand (ops --env prod plan ...) and after it
    @Option(names = {"-e", "--env"}, paramLabel = "NAME", scope = CommandLine.ScopeType.INHERIT,
            description = "Environment: local (the sandbox, the default; ops docs: prod), prod, staging, or a path to a .yaml file; "
                    + "default $OPS_ENV when it is set.")
    String environment;

    @Option(names = "--no-input", scope = CommandLine.ScopeType.INHERIT,
            description = "Never prompt: destructive effects are refused unless approved with --yes, as without a terminal.")
    boolean noInput;

    @Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Only results, the final summary and errors: no progress, no notices.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The global options as given to the command line of {@code spec} (any subcommand's spec). */
    static OpsCommand of(CommandLine.Model.CommandSpec spec) {
        return spec.root().userObject() instanceof OpsCommand ops ? ops : new OpsCommand();
    }

    /** The variable that names the environment of every command without --env (a second operator's shell sets it). */
    static final String ENVIRONMENT_VARIABLE = "OPS_ENV";

    /** The environment given with --env, else {@code $OPS_ENV} when set, else {@code fallback} (the command's default). */
    String environmentOr(String fallback) {
        return environmentOr(environment, fallback);
    }

    /** {@code given} (the value of --env, may be null), else {@code $OPS_ENV} when set, else {@code fallback}. */
    static String environmentOr(String given, String fallback) {
        if (given != null && !given.isBlank()) return given;
        String fromShell = System.getenv(ENVIRONMENT_VARIABLE);
        return fromShell == null || fromShell.isBlank() ? fallback : fromShell.trim();
    }

    boolean noInput() {
        return noInput;
    }

    boolean quiet() {
        return quiet;
    }

    public static void main(String[] args) {
        // the warm-up reads the runbook before picocli has parsed the command line
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runbooks") && i + 1 < args.length) System.setProperty(RUNBOOKS_PROPERTY, args[i + 1]);
            else if (args[i].startsWith("--runbooks=")) System.setProperty(RUNBOOKS_PROPERTY, args[i].substring("--runbooks=".length()));
        }
        AwsWarmup.startEarly(args);
        String command = subcommandName(args);
        if ("plan".equals(command) || "run".equals(command)) RunbookInvocation.loadEnvironmentEarly(args);
        Terminal.fitTablesToWidth();
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code; used by {@link #main} and by tests. */
    public static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /** The command line with every subcommand. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for {@code args}: with only the subcommand they name when they name one
     * (the first argument that is not an option), else with all of them, for help and for errors
     * that list them.
     */
    static CommandLine commandLine(String[] args) {
        // picocli looks for Groovy closures in annotations when Groovy is on the class path; that loads
        // Groovy's runtime (about 0.3 s) on every start, for a feature no command uses
        if (System.getProperty("picocli.disable.closures") == null) System.setProperty("picocli.disable.closures", "true");
        CommandLine cl = new CommandLine(new OpsCommand());
        String named = subcommandName(args);
        // reading a command's annotation costs a little (its nested commands load): up to the named one only
        Class<?> only = null;
        if (named != null && !NEED_ALL.contains(named)) {
            for (Class<?> c : SUBCOMMANDS) {
                if (c.getAnnotation(Command.class).name().equals(named)) {
                    only = c;
                    break;
                }
            }
        }
        if (only != null) cl.addSubcommand(named, only);
        else for (Class<?> c : SUBCOMMANDS) cl.addSubcommand(c.getAnnotation(Command.class).name(), c);
        CommandLine help = cl.getSubcommands().get("help");
        if (help != null) {
            help.getCommandSpec().usageMessage().footerHeading("%nExamples:%n")
                    .footer("  ops help                 every command", "  ops help run             the options of ops run (as ops run --help)");
        }
        useExitCodes(cl);
        cl.setExitCodeExceptionMapper(failure -> ExitCode.of(failure).code());
        cl.setExecutionExceptionHandler(OpsCommand::handleFailure);
        cl.setParameterExceptionHandler(OpsCommand::handleBadInput);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /**
     * picocli's own outcomes (help shown, a command without a result, bad input) get {@link ExitCode}'s
     * numbers, here and in every subcommand; the help's exit code list is rendered from it.
     */
    private static void useExitCodes(CommandLine cl) {
        CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
        spec.exitCodeOnSuccess(ExitCode.OK.code()).exitCodeOnUsageHelp(ExitCode.OK.code())
                .exitCodeOnVersionHelp(ExitCode.OK.code()).exitCodeOnInvalidInput(ExitCode.INVALID_INPUT.code())
                .exitCodeOnExecutionException(ExitCode.FAILED.code());
        if (cl.getParent() == null) {
            Map<String, String> codes = new LinkedHashMap<>();
            // 130 is the JVM's own status when SIGINT stops it, which no command returns; the README documents it
            for (ExitCode c : ExitCode.values()) if (c != ExitCode.INTERRUPTED) codes.put(Integer.toString(c.code()), c.meaning());
            spec.usageMessage().exitCodeList(codes);
        }
        cl.getSubcommands().values().forEach(OpsCommand::useExitCodes);
    }

    /** True for a global option whose value is the next argument ({@code --env prod}). */
    static boolean takesValue(String arg) {
        return GLOBAL_OPTIONS_WITH_VALUE.contains(arg);
    }

    /** The first argument that is neither an option nor a global option's value, or null. */
    static String subcommandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (GLOBAL_OPTIONS_WITH_VALUE.contains(a)) {
                i++;
                continue;
            }
            if (!a.startsWith("-")) return a;
        }
        return null;
    }

    private static int handleBadInput(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("ops: " + TerminalText.escape(e.getMessage()));
        String suggestion = e instanceof CommandLine.UnmatchedArgumentException unmatched ? suggestion(unmatched) : null;
        if (suggestion != null) err.println(TerminalText.escape(suggestion));
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * "Did you mean" for a mistyped subcommand (nearest by edit distance, so a swap of two letters
     * is found too) or option (picocli's own suggestions), or null.
     */
    private static String suggestion(CommandLine.UnmatchedArgumentException e) {
        List<String> unmatched = e.getUnmatched();
        if (unmatched.isEmpty()) return null;
        String word = unmatched.get(0);
        CommandLine cl = e.getCommandLine();
        if (!word.startsWith("-") && !cl.getSubcommands().isEmpty()) {
            List<String> names = cl.getSubcommands().values().stream()
                    .filter(sub -> !sub.getCommandSpec().usageMessage().hidden())
                    .map(CommandLine::getCommandName).toList();
            List<String> near = Suggestions.nearest(word, names);
            return near.isEmpty() ? null : "Did you mean: " + String.join(" or ", near.stream()
                    .map(n -> cl.getCommandSpec().qualifiedName() + " " + n).toList()) + "?";
        }
        if (!word.startsWith("-")) return null;
        String option = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        List<String> names = new java.util.ArrayList<>();
        cl.getCommandSpec().options().stream().filter(o -> !o.hidden()).forEach(o -> names.addAll(List.of(o.names())));
        List<String> near = Suggestions.nearest(option, names);
        return near.isEmpty() ? null : "Did you mean: " + String.join(" or ", near) + "?";
    }

    private static int handleFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        Redactor redactor = Redaction.current();
        PrintWriter err = cl.getErr();
        String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        // a message may quote a server or a file: redacted, and escaped so it cannot rewrite the terminal
        err.println("ops: " + TerminalText.escape(redactor.redact(message)));
        if (isDebug(parsed)) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            err.print(TerminalText.escapeKeepingLines(redactor.redact(trace.toString())));
        }
        err.flush();
        return cl.getExitCodeExceptionMapper().getExitCode(e);
    }

    /** True when the command line being executed has {@code --debug}, before or after the subcommand. */
    static boolean debugRequested(CommandLine.Model.CommandSpec spec) {
        return isDebug(spec.root().commandLine().getParseResult());
    }

    private static boolean isDebug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) return true;
        }
        return false;
    }

    /** The version and the commit this build was made from, written into the jar by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties build = new Properties();
            try (var in = OpsCommand.class.getResourceAsStream("build.properties")) {
                if (in != null) build.load(in);
            }
            String commit;
            try (var in = OpsCommand.class.getResourceAsStream("build-commit.txt")) {
                commit = in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            return new String[]{"ops " + build.getProperty("version", "development build") + " (commit " + commit + ")",
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
