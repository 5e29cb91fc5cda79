package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.runbook.Parameter;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookLoader;
import io.discordination.ops.runbook.ScriptException;
import io.discordination.ops.text.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ops list}: every runbook with its title and parameters. Needs no server. */
@Command(name = "list", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops list",
                "  ops list --output json | jq -r '.[].name'"}, description = "List the runbooks in runbooks/: name, title, parameters.")
final class ListCommand extends OpsSubcommand {
    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        try (RunbookLoader loader = RunbookLoader.standard()) {
            return list(loader);
        }
    }

    private ExitCode list(RunbookLoader loader) {
        Table table = Table.with("NAME", "TITLE", "PARAMETERS", "FILE");
        List<Map<String, Object>> json = new ArrayList<>();
        int broken = 0;
        for (Path file : loader.files()) {
            try {
                Runbook rb = loader.load(file);
                table.row(rb.name(), rb.title(), parameters(rb), file.getFileName());
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", rb.name());
                item.put("title", rb.title());
                item.put("section", rb.section());
                item.put("file", file.getFileName().toString());
                item.put("parameters", rb.parameters().stream().map(DescribeCommand::parameterJson).toList());
                json.add(item);
            } catch (ScriptException e) {
                broken++;
                err().println("ops: " + e.getMessage());
            }
        }
        if (output.isJson()) output.print(out(), json);
        else output.print(out(), table);
        if (broken > 0) {
            err().println("ops: " + broken + " runbook(s) do not compile; see: ops check");
        }
        err().flush();
        return broken > 0 ? ExitCode.FAILED : ExitCode.OK;
    }

    static String parameters(Runbook rb) {
        List<String> parts = new ArrayList<>();
        for (Parameter p : rb.parameters()) {
            parts.add(p.name() + ":" + p.type().label() + (p.isRequired() ? "" : p.defaultValue() != null
                    ? "=" + (p.isSecret() ? "****" : p.defaultValue()) : "?"));
        }
        return String.join(" ", parts);
    }
}
