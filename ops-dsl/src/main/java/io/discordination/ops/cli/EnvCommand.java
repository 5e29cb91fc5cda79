package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.env.Environment;
import io.discordination.ops.text.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code ops env}: the resolved environment, secrets shown as {@code ****}. */
@Command(name = "env", mixinStandardHelpOptions = true,
        footerHeading = "%nExamples:%n",
        footer = {
                "  ops env                                      the sandbox",
                "  ops env --env prod          what resolves; unset variables are listed",
                "  ops --env staging env --output json"},
        description = "Show the resolved environment: real names, endpoints, variables (secrets as ****).")
final class EnvCommand extends OpsSubcommand {
    @Mixin
    EnvironmentOption environment;

    @Mixin
    OutputOption output;

    @Override
    protected ExitCode execute() {
        Environment env = environment.load();
        Map<String, String> settings = env.describe();
        List<String> missing = env.missingVariables();
        PrintWriter out = out();
        if (output.isJson()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", env.name());
            json.put("source", env.source().toString());
            json.put("protected", env.isProtected());
            json.put("settings", settings);
            json.put("missingVariables", missing);
            output.print(out, json);
        } else {
            out.println("environment  " + env.name() + (env.isProtected() ? "  (protected: destructive effects need its name typed)" : ""));
            out.println("source       " + env.source());
            out.println();
            Table table = Table.with("SETTING", "VALUE");
            settings.forEach(table::row);
            out.print(table);
            out.flush();
        }
        if (!missing.isEmpty()) {
            PrintWriter err = err();
            err.println("ops: not set: " + String.join(", ", missing)
                    + " (verbs that need them fail until they are exported)");
            err.flush();
        }
        return ExitCode.OK;
    }
}
