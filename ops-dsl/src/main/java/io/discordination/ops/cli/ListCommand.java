package io.discordination.ops.cli;

import io.discordination.ops.runbook.Parameter;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookLoader;
import io.discordination.ops.runbook.ScriptException;
import io.discordination.ops.text.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ops list}: every runbook with its title and parameters. Needs no server. */
@Command(name = "list", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops list",
                "  ops list --output json | jq -r '.[].name'"}, description = "List the runbooks in runbooks/: name, title, parameters.")
final class ListCommand implements Callable<Integer> {
    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (RunbookLoader loader = RunbookLoader.standard()) {
            return list(loader);
        }
    }

    private int list(RunbookLoader loader) {
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
                spec.commandLine().getErr().println("ops: " + e.getMessage());
            }
        }
        if (output.isJson()) output.print(spec.commandLine().getOut(), json);
        else output.print(spec.commandLine().getOut(), table);
        if (broken > 0) {
            spec.commandLine().getErr().println("ops: " + broken + " runbook(s) do not compile; see: ops check");
        }
        spec.commandLine().getErr().flush();
        return broken > 0 ? 1 : 0;
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
