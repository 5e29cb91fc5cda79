package io.discordination.ops.postgres;

import io.discordination.ops.text.Table;

import java.util.List;

/**
 * The rows of an ad-hoc read ({@link Postgres#query}); at most {@value Postgres#MAX_ROWS} rows,
 * {@code truncated} when there were more.
 *
 * <pre>{@code postgres().query("SELECT count(*) FROM sessions WHERE user_id = ?", id).single();}</pre>
 */
public record QueryResult(List<String> columns, List<List<Object>> rows, boolean truncated) {
    public QueryResult {
        columns = List.copyOf(columns);
        rows = rows.stream().map(r -> java.util.Collections.unmodifiableList(new java.util.ArrayList<>(r))).toList();
    }

    /** The first column of the first row, or null without rows: for {@code SELECT count(*)}. */
    public Object single() {
        return rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
    }

    @Override
    public String toString() {
        Table table = Table.with(columns.toArray(String[]::new));
        rows.forEach(r -> table.row(r.toArray()));
        return table + "(" + rows.size() + (truncated ? "+ rows, cut at " + Postgres.MAX_ROWS : " rows") + ")\n";
    }
}
