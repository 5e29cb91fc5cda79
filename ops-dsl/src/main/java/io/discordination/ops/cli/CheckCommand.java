package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.env.Environment;
import io.discordination.ops.runbook.StepCommands;
import io.discordination.ops.runbook.MarkdownDocs;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookLoader;
import io.discordination.ops.runbook.ScriptCache;
import io.discordination.ops.runbook.ScriptException;
import io.discordination.ops.runbook.Step;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code ops check}: compiles every runbook (JShell and Groovy) and checks names and command placeholders; for CI. */
@Command(name = "check", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops check                                    every runbook in runbooks/",
                "  ops check runbooks/flush-redis-cache.groovy  one file"},
        description = {"Compile every runbook in runbooks/ and its subfolders (or the given files or folders) without the cache, and check that names are "
                + "unique and match their files, sections are known, and command placeholders exist in environments/prod.yaml. "
                + "Exit 1 with file:line errors if any fail."})
final class CheckCommand extends OpsSubcommand {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Runbook files or folders (default: runbooks/).")
    List<Path> files = new ArrayList<>();

    @Override
    protected ExitCode execute() {
        try (RunbookLoader loader = new RunbookLoader(OpsPaths.runbooks(), ScriptCache.none())) {
            return check(loader);
        }
    }

    private ExitCode check(RunbookLoader loader) {
        List<Path> targets = new ArrayList<>();
        if (files.isEmpty()) targets.addAll(loader.allFiles());
        for (Path f : files) {
            if (Files.isDirectory(f)) {
                try (RunbookLoader folder = new RunbookLoader(f, ScriptCache.none())) {
                    targets.addAll(folder.allFiles());
                }
            }
            else targets.add(f);
        }
        PrintWriter out = out();
        PrintWriter err = err();
        Environment prod = Environment.named("prod", OpsPaths.home(), OpsPaths.environments(), v -> null);
        Map<String, Path> names = new HashMap<>();
        int failed = 0;
        for (Path file : targets) {
            List<String> problems = new ArrayList<>();
            try {
                Runbook rb = loader.check(file);
                String base = file.getFileName().toString().replaceFirst("\\.(jsh|groovy)$", "");
                if (!rb.name().equals(base)) problems.add(rb.source().displayName() + ": runbook '" + rb.name() + "' is in a file named " + file.getFileName() + "; name the file " + rb.name() + file.getFileName().toString().substring(base.length()));
                Path other = names.put(rb.name() + ":" + file.getParent(), file);
                if (other != null) problems.add(rb.source().displayName() + ": runbook '" + rb.name() + "' is also declared in " + other);
                if (rb.section() != null && !MarkdownDocs.SECTIONS.contains(rb.section())) {
                    problems.add(rb.source().displayName() + ": unknown section '" + rb.section() + "'; known: " + String.join(", ", MarkdownDocs.SECTIONS));
                }
                StepCommands template = StepCommands.forDocs(prod, rb.parameters());
                for (Step s : rb.steps()) {
                    for (String c : s.commands()) {
                        for (String unknown : template.unknownPlaceholders(c)) {
                            problems.add(rb.source().displayName() + ": step " + s.number() + " '" + s.title() + "': " + unknown
                                    + " is neither a parameter nor a setting of environments/prod.yaml");
                        }
                    }
                }
            } catch (ScriptException e) {
                e.errors().forEach(x -> problems.add(x.toString()));
            }
            if (problems.isEmpty()) {
                out.println("ok      " + file);
            } else {
                failed++;
                out.println(Terminal.colours().red("FAILED") + "  " + file);
                problems.forEach(p -> err.println(p));
            }
        }
        out.println(targets.size() - failed + " ok, " + failed + " failed");
        out.flush();
        err.flush();
        return failed == 0 ? ExitCode.OK : ExitCode.FAILED;
    }
}
