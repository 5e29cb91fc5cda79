package io.discordination.ops.cli;

import io.discordination.ops.Json;

import java.io.PrintWriter;

/** How a command prints its result: a readable table, or JSON for scripts. */
public enum OutputFormat {
    TABLE, JSON;

    void print(PrintWriter out, Object value) {
        if (this == JSON) {
            out.println(Json.writePretty(value));
        } else {
            String text = String.valueOf(value);
            out.print(text.endsWith("\n") ? text : text + "\n");
        }
        out.flush();
    }
}
