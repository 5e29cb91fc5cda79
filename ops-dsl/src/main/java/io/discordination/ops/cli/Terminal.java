package io.discordination.ops.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What the terminal a command prints to allows: colour (only at a terminal, never with
 * {@code NO_COLOR} set or {@code TERM=dumb}, never into a pipe) and its width, which tables fit
 * (through the {@code ops.columns} property that {@link io.discordination.ops.text.Table} reads).
 *
 * <pre>{@code out.println(Terminal.colours().red("FAILED"));}</pre>
 */
final class Terminal {
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    private final boolean colour;

    private Terminal(boolean colour) {
        this.colour = colour;
    }

    /** Colours when stdout (and stdin) is a terminal and NO_COLOR is not set. */
    static Terminal colours() {
        return new Terminal(System.console() != null && colourAllowed(System.getenv("NO_COLOR"), System.getenv("TERM")));
    }

    static Terminal plain() {
        return new Terminal(false);
    }

    /** The no-color.org convention: any non-empty NO_COLOR turns colour off; so does a dumb terminal. */
    static boolean colourAllowed(String noColor, String term) {
        return (noColor == null || noColor.isEmpty()) && !"dumb".equals(term);
    }

    String red(String text) {
        return colour ? BOLD + RED + text + RESET : text;
    }

    String yellow(String text) {
        return colour ? YELLOW + text + RESET : text;
    }

    /**
     * Sets {@code ops.columns} to the terminal's width when stdout is a terminal and nobody set it;
     * piped output is not cut. {@code COLUMNS} wins when exported; else {@code stty size} asks the
     * terminal (a few milliseconds).
     */
    static void fitTablesToWidth() {
        if (System.getProperty("ops.columns") != null || System.console() == null) return;
        int columns = columns();
        if (columns > 0) System.setProperty("ops.columns", Integer.toString(columns));
    }

    /** Output that must not be cut (JSON) turns the fitting off again. */
    static void doNotFitTables() {
        System.clearProperty("ops.columns");
    }

    private static int columns() {
        String exported = System.getenv("COLUMNS");
        if (exported != null && exported.matches("\\d{1,4}")) return Integer.parseInt(exported);
        File tty = new File("/dev/tty");
        if (!tty.canRead()) return 0;
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(ProcessBuilder.Redirect.from(tty))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!stty.waitFor(1, TimeUnit.SECONDS)) {
                stty.destroyForcibly();
                return 0;
            }
            String[] rowsColumns = size.split("\\s+");
            return rowsColumns.length == 2 && rowsColumns[1].matches("\\d{1,4}") ? Integer.parseInt(rowsColumns[1]) : 0;
        } catch (Exception noStty) {
            return 0;
        }
    }
}
