package io.discordination.ops.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with aligned columns, the way read verbs print their records. Cells are
 * remote text more often than not (room names, log lines, task reasons): each is shown on one line
 * with its control characters escaped ({@link TerminalText#escape}), and a column is aligned only up
 * to {@value #MAX_ALIGNED_WIDTH} characters, so one huge cell does not pad every other row to its
 * width.
 *
 * <pre>{@code Table.with("NAME", "STATUS").row("api", "ACTIVE").toString();}</pre>
 */
public final class Table {
    static final int MAX_ALIGNED_WIDTH = 80;

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers = headers;
    }

    public static Table with(String... headers) {
        return new Table(List.of(headers));
    }

    /** Adds a row; {@code null} prints as empty, anything else through {@code String.valueOf}. */
    public Table row(Object... cells) {
        List<String> row = new ArrayList<>(headers.size());
        for (int i = 0; i < headers.size(); i++) {
            Object cell = i < cells.length ? cells[i] : null;
            row.add(cell == null ? "" : TerminalText.escape(String.valueOf(cell)));
        }
        rows.add(row);
        return this;
    }

    public int size() {
        return rows.size();
    }

    /**
     * The line that ends a result printed with only its first {@code shown} rows of {@code total}:
     * {@code "... 480 more tasks left out (--output json has them all)"}, or nothing when all were shown.
     */
    public static String leftOut(int total, int shown, String what) {
        return total > shown ? "... " + (total - shown) + " more " + what + " left out (--output json has them all)\n" : "";
    }

    /**
     * The table with aligned columns. When the {@code ops.columns} property is set (the command line
     * sets it to the terminal's width), the widest columns are narrowed until a line fits and their
     * cells are cut with {@value #CUT}; JSON output never goes through here.
     */
    @Override
    public String toString() {
        return render(Integer.getInteger("ops.columns", 0));
    }

    /** The table fitted to {@code maxWidth} characters a line (0: as wide as its cells). */
    public String render(int maxWidth) {
        // only a table fitted to a width cuts cells (the width is the limit then); otherwise a long cell is printed
        // whole and pads nothing beyond MAX_ALIGNED_WIDTH
        boolean fitted = maxWidth > 0;
        int cap = fitted ? Integer.MAX_VALUE : MAX_ALIGNED_WIDTH;
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) widths[i] = Math.min(cap, headers.get(i).length());
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], Math.min(cap, row.get(i).length()));
        }
        if (fitted) narrow(widths, maxWidth);
        StringBuilder sb = new StringBuilder();
        line(sb, headers, widths, fitted);
        for (List<String> row : rows) line(sb, row, widths, fitted);
        if (rows.isEmpty()) sb.append("(none)\n");
        return sb.toString();
    }

    /** What ends a cell that was cut to fit. */
    static final String CUT = "...";
    /** A column is never narrowed below this (so a cut cell still shows something). */
    private static final int MIN_COLUMN = 6;

    /** Narrows the widest column by one until the line fits {@code maxWidth} or no column can give more. */
    private static void narrow(int[] widths, int maxWidth) {
        int total = 2 * (widths.length - 1);
        for (int w : widths) total += w;
        while (total > maxWidth) {
            int widest = 0;
            for (int i = 1; i < widths.length; i++) if (widths[i] > widths[widest]) widest = i;
            if (widths[widest] <= MIN_COLUMN) return;
            widths[widest]--;
            total--;
        }
    }

    private static void line(StringBuilder sb, List<String> cells, int[] widths, boolean cut) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            if (cut && cell.length() > widths[i]) cell = cell.substring(0, widths[i] - CUT.length()) + CUT;
            line.append(cell);
            if (i < cells.size() - 1) line.append(" ".repeat(Math.max(0, widths[i] - cell.length()) + 2));
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    /** Key/value lines, for a single record: {@code name   api}. */
    public static String fields(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) throw new IllegalArgumentException("keys and values: " + Arrays.toString(keysAndValues));
        int width = 0;
        for (int i = 0; i < keysAndValues.length; i += 2) {
            width = Math.max(width, Math.min(MAX_ALIGNED_WIDTH, TerminalText.escape(String.valueOf(keysAndValues[i])).length()));
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            String key = TerminalText.escape(String.valueOf(keysAndValues[i]));
            Object value = keysAndValues[i + 1];
            sb.append(key).append(" ".repeat(Math.max(0, width - key.length()) + 2))
                    .append(value == null ? "" : TerminalText.escape(String.valueOf(value))).append('\n');
        }
        return sb.toString();
    }
}
