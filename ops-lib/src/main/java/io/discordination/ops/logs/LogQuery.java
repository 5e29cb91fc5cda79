package io.discordination.ops.logs;

import com.fasterxml.jackson.annotation.JsonValue;
import io.discordination.ops.OpsContext;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.text.Progress;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A query over one log group, read lazily page by page ({@code FilterLogEvents} through the SDK
 * paginator): iterating it, {@link #stream()}, {@link #print()} and {@link #topClientIps(int)}
 * hold one page at a time, however many events match. Each iteration queries CloudWatch afresh.
 * Printed (toString, JSON) it shows the first {@value #PREVIEW} events.
 *
 * <pre>{@code logs("api").filter("429", hours(1)).topClientIps(10);}</pre>
 */
public final class LogQuery implements Iterable<LogEvent> {
    /** How many events toString and JSON show. */
    public static final int PREVIEW = 500;

    private final OpsContext context;
    private final String logGroup;
    private final String filterPattern;
    private final Instant start;
    private final Instant end;
    private final List<String> streams;
    private final AwsErrors aws;
    private final Integer pageSize;

    LogQuery(OpsContext context, String logGroup, String filterPattern, Instant start, Instant end, List<String> streams) {
        this(context, logGroup, filterPattern, start, end, streams, null);
    }

    private LogQuery(OpsContext context, String logGroup, String filterPattern, Instant start, Instant end, List<String> streams,
                     Integer pageSize) {
        this.context = context;
        this.logGroup = logGroup;
        this.filterPattern = filterPattern == null ? "" : filterPattern;
        this.start = start;
        this.end = end;
        this.streams = streams == null ? List.of() : List.copyOf(streams);
        this.aws = AwsErrors.of(context.environment(), "logs");
        this.pageSize = pageSize;
    }

    /** The same query asking CloudWatch for at most {@code n} events a page (the default is as many as fit in 1 MB). */
    LogQuery withPageSize(int n) {
        return new LogQuery(context, logGroup, filterPattern, start, end, streams, n);
    }

    public String logGroup() {
        return logGroup;
    }

    /** The pattern as sent to CloudWatch (quoted where needed). */
    public String filterPattern() {
        return filterPattern;
    }

    public Instant start() {
        return start;
    }

    FilterLogEventsRequest request() {
        FilterLogEventsRequest.Builder b = FilterLogEventsRequest.builder().logGroupName(logGroup);
        if (!filterPattern.isEmpty()) b.filterPattern(filterPattern);
        if (start != null) b.startTime(start.toEpochMilli());
        if (end != null) b.endTime(end.toEpochMilli());
        if (!streams.isEmpty()) b.logStreamNames(streams);
        if (pageSize != null) b.limit(pageSize);
        // AWS always interleaves streams by time now; emulators (moto) still need the flag to do so
        applyInterleaved(b);
        return b.build();
    }

    @SuppressWarnings("deprecation")
    private static void applyInterleaved(FilterLogEventsRequest.Builder b) {
        b.interleaved(true);
    }

    private String where() {
        return "log group " + logGroup;
    }

    @Override
    public Iterator<LogEvent> iterator() {
        CloudWatchLogsClient logs = context.awsClient(CloudWatchLogsClient.class, CloudWatchLogsClient::builder);
        FilterLogEventsRequest request = request();
        Iterator<FilteredLogEvent> pages = aws.call("logs:FilterLogEvents", where(),
                () -> logs.filterLogEventsPaginator(request).events().iterator());
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return pages.hasNext();
                } catch (SdkException e) {
                    throw aws.translate("logs:FilterLogEvents", where(), e);
                }
            }

            @Override
            public LogEvent next() {
                try {
                    return toEvent(pages.next());
                } catch (SdkException e) {
                    throw aws.translate("logs:FilterLogEvents", where(), e);
                }
            }
        };
    }

    static LogEvent toEvent(FilteredLogEvent e) {
        return new LogEvent(Instant.ofEpochMilli(e.timestamp() == null ? 0 : e.timestamp()), e.logStreamName(),
                e.message(), e.eventId());
    }

    /** The events as a lazy stream, one page in memory at a time. */
    public Stream<LogEvent> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Prints every event to standard output, as {@code aws logs tail} does; returns how many. */
    public long print() {
        return printTo(System.out);
    }

    public long printTo(PrintStream out) {
        long n = 0;
        for (LogEvent e : this) {
            out.println(e);
            n++;
        }
        out.flush();
        return n;
    }

    /** How many events match, counted page by page with progress. */
    public long count() {
        long n = 0;
        try (Progress p = context.progress("Counting events in " + logGroup, -1).unit("events")) {
            for (LogEvent ignored : this) {
                n++;
                p.advance(1);
            }
        }
        return n;
    }

    /** The first {@code n} events, oldest first. */
    public LogEvents first(int n) {
        List<LogEvent> out = new ArrayList<>();
        Iterator<LogEvent> it = iterator();
        while (out.size() < n && it.hasNext()) out.add(it.next());
        boolean truncated = out.size() == n && it.hasNext();
        return new LogEvents(logGroup, filterPattern, List.copyOf(out), truncated, false);
    }

    /**
     * The newest {@code n} events, as a terminal wants them after {@code aws logs tail}: every page
     * is read, but only the last {@code n} events are held.
     */
    public LogEvents last(int n) {
        java.util.ArrayDeque<LogEvent> kept = new java.util.ArrayDeque<>(Math.max(1, n));
        boolean dropped = false;
        for (Iterator<LogEvent> it = iterator(); it.hasNext(); ) {
            LogEvent e = it.next();
            if (n <= 0) {
                dropped = true;
                continue;
            }
            if (kept.size() == n) {
                kept.removeFirst();
                dropped = true;
            }
            kept.addLast(e);
        }
        return new LogEvents(logGroup, filterPattern, List.copyOf(kept), dropped, true);
    }

    /** The client IPs most often found in the matching events ({@link ClientIps}), most frequent first. */
    public TopValues topClientIps(int n) {
        return top("client ip", e -> ClientIps.find(e.message()), n);
    }

    /**
     * The {@code n} most frequent values of {@code key} (null means the event carries none),
     * counted while streaming: only the counts are kept.
     */
    public TopValues top(String what, Function<LogEvent, String> key, int n) {
        Objects.requireNonNull(key, "key");
        Map<String, Long> counts = new HashMap<>();
        long scanned = 0;
        long counted = 0;
        try (Progress p = context.progress("Scanning " + logGroup, -1).unit("events")) {
            for (LogEvent e : this) {
                scanned++;
                p.advance(1);
                String v = key.apply(e);
                if (v == null) continue;
                counted++;
                counts.merge(v, 1L, Long::sum);
            }
        }
        List<TopValues.Entry> top = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(Math.max(0, n))
                .map(e -> new TopValues.Entry(e.getKey(), e.getValue()))
                .toList();
        return new TopValues(what, scanned, counted, top);
    }

    /** What printing shows: the first {@value #PREVIEW} events. */
    @JsonValue
    public LogEvents preview() {
        return first(PREVIEW);
    }

    @Override
    public String toString() {
        return preview().toString();
    }

}
