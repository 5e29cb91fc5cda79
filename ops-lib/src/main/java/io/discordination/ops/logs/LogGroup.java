package io.discordination.ops.logs;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.RequestPacer;
import io.discordination.ops.aws.ShortNames;
import io.discordination.ops.topology.LogsTopology;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One CloudWatch log group, by short name ({@code api} is {@code /ecs/discordination-api}) or by
 * its real name: recent events, searches, and following new events.
 *
 * <pre>{@code
 * logs("api").tail(minutes(10)).print();
 * logs("api").status(429, hours(1)).topClientIps(10);
 * }</pre>
 */
public final class LogGroup {
    /** CloudWatch Logs' quota for FilterLogEvents, per account and region: what {@code filterLogEvents} should allow. */
    public static final double FILTER_LOG_EVENTS_PER_SECOND = LogQuery.FILTER_LOG_EVENTS_PER_SECOND;

    private final LogsClients context;
    private final String name;

    /**
     * The group called {@code name} in {@code logs} (a short name, or a real name listed there); an
     * unknown name fails here. Its reads share {@code filterLogEvents}, the context's pacer of
     * FilterLogEvents calls.
     */
    public LogGroup(LogsTopology logs, CloudWatchLogsClient client, RequestPacer filterLogEvents, HandleContext context, String name) {
        this.context = new LogsClients(context, client, filterLogEvents);
        this.name = ShortNames.resolve(logs.groups(), "logs", name, "log group", context.environment());
    }

    /** A group by its real name, such as the one a task definition's log configuration names, listed or not. */
    public static LogGroup ofRealName(CloudWatchLogsClient client, RequestPacer filterLogEvents, HandleContext context, String logGroupName) {
        return new LogGroup(new LogsClients(context, client, filterLogEvents), logGroupName);
    }

    private LogGroup(LogsClients context, String realName) {
        this.context = context;
        this.name = realName;
    }

    public String name() {
        return name;
    }

    /** Every event of the last {@code since}, across all streams, oldest first: what {@code aws logs tail --since} shows. */
    public LogQuery tail(Duration since) {
        return new LogQuery(context, name, "", startFor(since), null, List.of());
    }

    /**
     * Events of the last {@code since} that match {@code pattern}: plain words are quoted for
     * CloudWatch ({@code 429} becomes {@code "429"}); a pattern in filter syntax passes through
     * ({@link FilterPatterns}).
     */
    public LogQuery filter(String pattern, Duration since) {
        return new LogQuery(context, name, FilterPatterns.of(pattern), startFor(since), null, List.of());
    }

    /**
     * Events of the last {@code since} whose status field is {@code status} ({@code status=429} in
     * the line, as the api logs it): the filter pattern {@code "status=429"}, and for Insights
     * verbs a parsed {@code status} field compared as a number. Unlike {@code filter("429", ...)},
     * it does not match request ids, durations or snowflake ids that contain the digits.
     */
    public LogQuery status(int status, Duration since) {
        if (status < 100 || status > 599) {
            throw OpsException.builder("Not an HTTP status: " + status).hint("for example 429 or 503").invalidInput();
        }
        return new LogQuery(context, name, status, startFor(since), null);
    }

    /** Events between {@code start} and {@code end} that match {@code pattern}. */
    public LogQuery filter(String pattern, Instant start, Instant end) {
        if (start != null && end != null && end.isBefore(start)) {
            throw OpsException.builder("The end " + end + " is before the start " + start).invalidInput();
        }
        return new LogQuery(context, name, FilterPatterns.of(pattern), start, end, List.of());
    }

    /** Every event of one log stream (a task's stream), oldest first. */
    public LogQuery stream(String logStream) {
        return new LogQuery(context, name, "", null, null, List.of(logStream));
    }

    /** Follows new events ({@code aws logs tail --follow}); configure, then {@code print()} or {@code forEach(...)}. */
    public LogFollow follow() {
        return new LogFollow(context, this);
    }

    private static Instant startFor(Duration since) {
        if (since == null || since.isNegative() || since.isZero()) {
            throw OpsException.builder("A positive duration is needed (since " + since + ")")
                    .hint("for example minutes(10), or \"10m\" on the command line").invalidInput();
        }
        return Instant.now().minus(since);
    }

    @Override
    public String toString() {
        return "log group " + name;
    }
}
