package io.discordination.ops.logs;

import io.discordination.ops.text.Table;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a CloudWatch Logs Insights query answered: its rows (field to value, in the order the query
 * gave them), CloudWatch's statistics of the work (records scanned and matched, bytes scanned),
 * and how many {@code GetQueryResults} polls it took. Printed, it shows the first
 * {@value #PRINTED_ROWS} rows and says how many were left out; JSON carries every row.
 *
 * <pre>{@code logs("api").insights("stats count(*) by bin(5m)", hours(1)).rows();}</pre>
 */
public record InsightsResult(String logGroup, String queryId, String query, String status, List<Map<String, String>> rows,
                             long recordsMatched, long recordsScanned, long bytesScanned, int polls) {
    public static final int PRINTED_ROWS = 50;

    public InsightsResult {
        rows = List.copyOf(rows);
    }

    @Override
    public String toString() {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> r.keySet().stream().filter(k -> !k.equals("@ptr")).forEach(columns::add));
        Table t = Table.with(columns.stream().map(c -> c.toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new));
        for (Map<String, String> row : rows.subList(0, Math.min(PRINTED_ROWS, rows.size()))) {
            List<Object> cells = new ArrayList<>();
            columns.forEach(c -> cells.add(row.get(c)));
            t.row(cells.toArray());
        }
        String more = Table.leftOut(rows.size(), PRINTED_ROWS, "rows");
        return (columns.isEmpty() ? "(no rows)\n" : t.toString()) + more
                + "(Logs Insights on " + logGroup + ": " + recordsMatched + " of " + recordsScanned + " records matched, "
                + bytesScanned + " bytes scanned, " + polls + (polls == 1 ? " poll" : " polls") + ")\n";
    }
}
