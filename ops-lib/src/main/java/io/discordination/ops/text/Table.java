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

    @Override
    public String toString() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) widths[i] = Math.min(MAX_ALIGNED_WIDTH, headers.get(i).length());
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], Math.min(MAX_ALIGNED_WIDTH, row.get(i).length()));
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, widths);
        for (List<String> row : rows) line(sb, row, widths);
        if (rows.isEmpty()) sb.append("(none)\n");
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
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
