package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsException;
import io.discordination.ops.OpsPaths;
import io.discordination.ops.env.Environment;
import io.discordination.ops.runbook.MarkdownDocs;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code ops docs}: docs/RUNBOOKS.md from the runbooks, in the seed's shape. Touches no server. */
@Command(name = "docs", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops docs                                     write docs/RUNBOOKS.md",
                "  ops docs --check                             in CI: fail when it is stale"},
        description = {"Render every runbook as Markdown (title, symptoms, parameters, numbered steps with their equivalent "
                + "commands) with an environment's names, into docs/RUNBOOKS.md. Shell variables are never read: unset ones show as $VAR."})
final class DocsCommand extends OpsSubcommand {
    /** Whose names fill the commands: prod unless --env says otherwise. */
    @Mixin
    EnvironmentOption environmentOption;

    @Option(names = "--file", paramLabel = "FILE", description = "Where to write (default: docs/RUNBOOKS.md in the project).")
    Path file;

    @Option(names = "--check", description = "Write nothing; exit 1 if the file is not what ops docs would write (stale docs).")
    boolean check;

    @Override
    protected ExitCode execute() throws IOException {
        List<Runbook> runbooks = new ArrayList<>();
        try (RunbookLoader loader = RunbookLoader.standard()) {
            for (Path f : loader.files()) runbooks.add(loader.load(f));
        }
        Environment env = Environment.named(environmentOption.nameOr("prod"), OpsPaths.home(), OpsPaths.environments(), v -> null);
        String markdown = MarkdownDocs.render(runbooks, env);
        Path target = file != null ? file : OpsPaths.projectRoot().resolve("docs").resolve("RUNBOOKS.md");
        if (check) {
            String current = Files.isRegularFile(target) ? Files.readString(target, StandardCharsets.UTF_8) : "";
            if (!current.equals(markdown)) {
                throw new OpsException(target + " is stale: it is not what ops docs renders from runbooks/. Run: ops docs");
            }
            out().println(target + " is up to date (" + runbooks.size() + " runbooks)");
            out().flush();
            return ExitCode.OK;
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, markdown, StandardCharsets.UTF_8);
        out().println("wrote " + target + " (" + runbooks.size() + (runbooks.size() == 1 ? " runbook)" : " runbooks)"));
        out().flush();
        return ExitCode.OK;
    }
}
