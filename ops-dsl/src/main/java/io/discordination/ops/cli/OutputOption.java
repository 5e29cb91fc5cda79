package io.discordination.ops.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The {@code --output table|json} option, shared by every command that prints a result. */
public final class OutputOption {
    OutputFormat format = OutputFormat.TABLE;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}). Tables fit the terminal's width; JSON is never cut.")
    void format(OutputFormat format) {
        this.format = format;
        if (format == OutputFormat.JSON) Terminal.doNotFitTables();
    }

    boolean isJson() {
        return format == OutputFormat.JSON;
    }

    void print(PrintWriter out, Object value) {
        format.print(out, value);
    }
}
