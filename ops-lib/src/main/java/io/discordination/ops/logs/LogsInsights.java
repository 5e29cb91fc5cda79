package io.discordination.ops.logs;

import io.discordination.ops.OpsException;
import io.discordination.ops.aws.AwsErrors;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.QueryStatus;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResultField;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one CloudWatch Logs Insights query: {@code StartQuery}, then {@code GetQueryResults} polled
 * with a growing pause (0.2 s, then half as long again each time, at most 2 s) until the query is
 * Complete, Failed or Cancelled, or the timeout passes (then {@code StopQuery}). Its cost is one
 * StartQuery and a few polls whatever the number of events: CloudWatch does the scanning and
 * aggregating, server side (it bills the bytes scanned).
 *
 * <pre>{@code InsightsResult r = LogsInsights.run(context, "/ecs/discordination-api", query, start, end, Duration.ofMinutes(1));}</pre>
 */
final class LogsInsights {
    /** How long a query may run before it is stopped; Insights itself gives up after 60 minutes. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(2);

    private LogsInsights() {
    }

    static InsightsResult run(LogsClients context, String logGroup, String query, Instant start, Instant end, Duration timeout) {
        AwsErrors aws = AwsErrors.of(context.environment(), "logs");
        CloudWatchLogsClient logs = context.client();
        String where = "log group " + logGroup;
        Instant until = end == null ? Instant.now() : end;
        String queryId = aws.call("logs:StartQuery", where, () -> logs.startQuery(b -> b.logGroupName(logGroup)
                .startTime(start.getEpochSecond()).endTime(until.getEpochSecond()).queryString(query))).queryId();
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration pause = FIRST_PAUSE;
        int polls = 0;
        try (var progress = context.progress("Logs Insights query on " + logGroup, -1).unit("polls")) {
            while (true) {
                GetQueryResultsResponse r = aws.call("logs:GetQueryResults", where, () -> logs.getQueryResults(b -> b.queryId(queryId)));
                polls++;
                progress.set(polls);
                QueryStatus status = r.status();
                if (status == QueryStatus.COMPLETE) return result(logGroup, queryId, query, r, polls);
                if (status == QueryStatus.FAILED || status == QueryStatus.CANCELLED || status == QueryStatus.TIMEOUT) {
                    throw OpsException.builder("The Logs Insights query on " + logGroup + " ended " + r.statusAsString())
                            .service("logs").environment(context.environment().name()).resource(logGroup)
                            .hint("query id " + queryId + "; try a shorter time range (aws logs get-query-results --query-id "
                                    + queryId + ")").build();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    stop(aws, logs, queryId, where);
                    throw OpsException.builder("The Logs Insights query on " + logGroup + " did not finish within "
                                    + io.discordination.ops.text.Durations.format(timeout) + " (" + polls + " polls; stopped)")
                            .service("logs").environment(context.environment().name()).resource(logGroup)
                            .hint("ask for a shorter time range, or look at the query in the console: " + queryId).build();
                }
                sleep(Math.min(pause.toNanos(), left));
                pause = Duration.ofNanos(Math.min(MAX_PAUSE.toNanos(), pause.toNanos() * 3 / 2));
            }
        }
    }

    private static void stop(AwsErrors aws, CloudWatchLogsClient logs, String queryId, String where) {
        try {
            aws.call("logs:StopQuery", where, () -> logs.stopQuery(b -> b.queryId(queryId)));
        } catch (OpsException ignored) {
            // it may have finished meanwhile; the timeout is what the operator needs to hear
        }
    }

    private static InsightsResult result(String logGroup, String queryId, String query, GetQueryResultsResponse r, int polls) {
        List<Map<String, String>> rows = new ArrayList<>(r.results().size());
        for (List<ResultField> fields : r.results()) {
            Map<String, String> row = new LinkedHashMap<>();
            for (ResultField f : fields) row.put(f.field(), f.value());
            rows.add(row);
        }
        var s = r.statistics();
        return new InsightsResult(logGroup, queryId, query, r.statusAsString(), rows,
                s == null || s.recordsMatched() == null ? 0 : s.recordsMatched().longValue(),
                s == null || s.recordsScanned() == null ? 0 : s.recordsScanned().longValue(),
                s == null || s.bytesScanned() == null ? 0 : s.bytesScanned().longValue(), polls);
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Math.max(1, nanos / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OpsException.builder("Interrupted while waiting for a Logs Insights query").cause(e).build();
        }
    }
}
