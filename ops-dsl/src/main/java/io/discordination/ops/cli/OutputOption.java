package io.discordination.ops.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The {@code --output table|json} option, shared by every command that prints a result. */
public final class OutputOption {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    boolean isJson() {
        return format == OutputFormat.JSON;
    }

    void print(PrintWriter out, Object value) {
        format.print(out, value);
    }
}
