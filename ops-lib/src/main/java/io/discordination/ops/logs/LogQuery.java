package io.discordination.ops.logs;

import com.fasterxml.jackson.annotation.JsonValue;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.text.Progress;
import io.discordination.ops.aws.RequestPacer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
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
 * A query over one log group. Its verbs differ in cost, stated on each: iterating it,
 * {@link #stream()}, {@link #print()} and {@link #count()} read every matching event page by page
 * ({@code FilterLogEvents}, one page in memory at a time, paced under the 5 requests/second account
 * quota, a throttled page retried rather than the scan lost); {@link #first(int)} reads one page of
 * {@code n}; {@link #last(int)} reads backwards from the end in growing windows until it has
 * {@code n}; {@link #topClientIps(int)} is one CloudWatch Logs Insights query (a handful of calls
 * whatever the number of events). Each iteration queries CloudWatch afresh. Printed (toString,
 * JSON) it shows the first {@value #PREVIEW} events.
 *
 * <pre>{@code logs("api").status(429, hours(1)).topClientIps(10);}</pre>
 */
public final class LogQuery implements Iterable<LogEvent> {
    /** How many events toString and JSON show. */
    public static final int PREVIEW = 500;
    /** CloudWatch Logs' quota for FilterLogEvents, per account and region. */
    static final double FILTER_LOG_EVENTS_PER_SECOND = 5;
    static final int PAGE_RETRIES = 5;
    static final int MAX_PAGE = 10_000;
    static final long FIRST_WINDOW_SECONDS = 10;

    private final LogsClients context;
    private final String logGroup;
    private final String filterPattern;
    private final Instant start;
    private final Instant end;
    private final List<String> streams;
    private final AwsErrors aws;
    private final Integer pageSize;
    /** The HTTP status the events must carry ({@code status=429}), or null: what Insights filters on. */
    private final Integer status;

    LogQuery(LogsClients context, String logGroup, String filterPattern, Instant start, Instant end, List<String> streams) {
        this(context, logGroup, filterPattern, start, end, streams, null, null);
    }

    LogQuery(LogsClients context, String logGroup, int status, Instant start, Instant end) {
        this(context, logGroup, "\"status=" + status + "\"", start, end, List.of(), null, status);
    }

    private LogQuery(LogsClients context, String logGroup, String filterPattern, Instant start, Instant end, List<String> streams,
                     Integer pageSize, Integer status) {
        this.context = context;
        this.logGroup = logGroup;
        this.filterPattern = filterPattern == null ? "" : filterPattern;
        this.start = start;
        this.end = end;
        this.streams = streams == null ? List.of() : List.copyOf(streams);
        this.aws = AwsErrors.of(context.environment(), "logs");
        this.pageSize = pageSize;
        this.status = status;
    }

    /** The same query asking CloudWatch for at most {@code n} events a page (the default is as many as fit in 1 MB). */
    LogQuery withPageSize(int n) {
        return new LogQuery(context, logGroup, filterPattern, start, end, streams, n, status);
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
        return request(start, end, pageSize);
    }

    private FilterLogEventsRequest request(Instant from, Instant to, Integer limit) {
        FilterLogEventsRequest.Builder b = FilterLogEventsRequest.builder().logGroupName(logGroup);
        if (!filterPattern.isEmpty()) b.filterPattern(filterPattern);
        if (from != null) b.startTime(from.toEpochMilli());
        if (to != null) b.endTime(to.toEpochMilli());
        if (!streams.isEmpty()) b.logStreamNames(streams);
        if (limit != null) b.limit(limit);
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
        return pages(request()).iterator();
    }

    /** The events of {@code request}, page after page, each page paced and retried when throttled. */
    private Stream<LogEvent> pages(FilterLogEventsRequest request) {
        Iterator<List<LogEvent>> pages = new Iterator<>() {
            private String nextToken;
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public List<LogEvent> next() {
                if (done) throw new java.util.NoSuchElementException();
                String sent = nextToken;
                FilterLogEventsResponse page = page(request.toBuilder().nextToken(sent).build());
                nextToken = page.nextToken();
                // the last page has no token; an empty page that hands back the token it was given also ends it
                done = nextToken == null || nextToken.isEmpty() || (page.events().isEmpty() && nextToken.equals(sent));
                return page.events().stream().map(LogQuery::toEvent).toList();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .flatMap(List::stream);
    }

    /**
     * One FilterLogEvents page. Paced to stay under the account quota; a page still throttled after
     * the SDK's own (adaptive) retries is asked for again after a pause, up to
     * {@value #PAGE_RETRIES} times, so a long scan survives a busy account instead of failing.
     */
    private FilterLogEventsResponse page(FilterLogEventsRequest request) {
        CloudWatchLogsClient logs = context.client();
        RequestPacer pacer = context.filterLogEvents();
        long pauseMillis = 1000;
        for (int retry = 0; ; retry++) {
            pacer.acquire();
            try {
                return logs.filterLogEvents(request);
            } catch (AwsServiceException e) {
                if (!e.isThrottlingException() || retry >= PAGE_RETRIES) throw aws.translate("logs:FilterLogEvents", where(), e);
                sleepMillis(pauseMillis);
                pauseMillis = Math.min(8000, pauseMillis * 2);
            } catch (SdkException e) {
                throw aws.translate("logs:FilterLogEvents", where(), e);
            }
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw io.discordination.ops.OpsException.builder("Interrupted while reading log events").cause(e).build();
        }
    }

    static LogEvent toEvent(FilteredLogEvent e) {
        return new LogEvent(Instant.ofEpochMilli(e.timestamp() == null ? 0 : e.timestamp()), e.logStreamName(),
                e.message(), e.eventId());
    }

    /** The events as a lazy stream, one page in memory at a time (reads every matching event). */
    public Stream<LogEvent> stream() {
        return pages(request());
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

    /** How many events match, counted page by page with progress: one FilterLogEvents call per page of matches. */
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

    /** The first {@code n} events, oldest first: pages of {@code n} events (one call, two to know whether more matched). */
    public LogEvents first(int n) {
        List<LogEvent> out = new ArrayList<>();
        Integer limit = pageSize != null ? pageSize : Integer.valueOf(Math.max(1, Math.min(n + 1, MAX_PAGE)));
        Iterator<LogEvent> it = pages(request(start, end, limit)).iterator();
        while (out.size() < n && it.hasNext()) out.add(it.next());
        boolean truncated = out.size() == n && it.hasNext();
        return new LogEvents(logGroup, filterPattern, List.copyOf(out), truncated, false);
    }

    /**
     * The newest {@code n} events, as a terminal wants them after {@code aws logs tail}, read
     * backwards from the end (now, for a tail) in windows of {@value #FIRST_WINDOW_SECONDS} s,
     * then twice as long each time (four times after a window without events), until {@code n}
     * events are found or the start is reached. So its cost depends on how many events the last
     * windows hold, not on the length of the whole time range: at 300 lines a second,
     * {@code last(30)} reads one page of one 10-second window; a quiet service's last 10 minutes
     * take four calls (10 s, 40 s, 160 s, the rest), within the FilterLogEvents quota of five a
     * second, so none waits for the pacer; a quiet hour takes six (doubling took six and nine).
     * Only {@code n} events are held. A query without a start (one task's stream) is read in one pass.
     */
    public LogEvents last(int n) {
        if (n <= 0) return new LogEvents(logGroup, filterPattern, List.of(), true, true);
        Instant upper = end != null ? end : Instant.now().plusSeconds(1);
        Instant lower = start;
        List<LogEvent> newestFirstWindows = new ArrayList<>();
        java.util.ArrayDeque<LogEvent> kept = new java.util.ArrayDeque<>();
        boolean dropped = false;
        long window = FIRST_WINDOW_SECONDS * 1000;
        Instant windowEnd = upper;
        while (kept.size() < n) {
            Instant windowStart = windowEnd.minusMillis(window);
            boolean reachedStart = lower != null && !windowStart.isAfter(lower);
            if (reachedStart) windowStart = lower;
            if (lower == null) {
                // no start (one task's stream): no range to shorten, one pass that keeps the last n
                windowStart = null;
                reachedStart = true;
            }
            java.util.ArrayDeque<LogEvent> inWindow = new java.util.ArrayDeque<>();
            int needed = n - kept.size();
            // CloudWatch's endTime is inclusive: the next window ends a millisecond before this one starts
            for (Iterator<LogEvent> it = pages(request(windowStart, windowEnd, pageSize)).iterator(); it.hasNext(); ) {
                inWindow.addLast(it.next());
                if (inWindow.size() > needed) {
                    inWindow.removeFirst();
                    dropped = true;
                }
            }
            boolean emptyWindow = inWindow.isEmpty();
            while (!inWindow.isEmpty()) kept.addFirst(inWindow.removeLast());
            if (reachedStart) break;
            windowEnd = windowStart.minusMillis(1);
            // an empty window says the events are sparse here: reach back further at once
            window *= emptyWindow ? 4 : 2;
        }
        boolean earlierLeft = dropped || kept.size() >= n;
        return new LogEvents(logGroup, filterPattern, List.copyOf(kept), earlierLeft, true);
    }

    /**
     * The {@code n} client IPs ({@code client_ip=} in the line) most often found in the matching
     * events, most frequent first. One Logs Insights query ({@code parse} of the status and
     * {@code client_ip} fields, {@code filter}, {@code stats count(*) by client_ip}, {@code sort},
     * {@code limit}): one StartQuery and a few GetQueryResults polls, whatever the number of events;
     * CloudWatch scans the events of the time range server side. A query made with
     * {@link LogGroup#status} counts only events whose status field is that status. A filter
     * pattern in CloudWatch's own syntax (JSON, space-delimited, regex) has no Insights translation
     * here: those are counted by reading every match ({@link #top}).
     */
    public TopValues topClientIps(int n) {
        String filter = insightsFilter();
        if (filter == null) return top("client ip", e -> ClientIps.find(e.message()), n);
        String query = filter + "parse @message /\\bclient_ip=(?<client_ip>[0-9A-Fa-f:.]+)/"
                + " | filter ispresent(client_ip)"
                + " | stats count(*) as requests by client_ip"
                + " | sort requests desc"
                + " | limit " + Math.max(1, n);
        InsightsResult r = insights(query);
        List<TopValues.Entry> top = r.rows().stream()
                .filter(row -> row.get("client_ip") != null)
                .map(row -> new TopValues.Entry(row.get("client_ip"), Long.parseLong(row.getOrDefault("requests", "0"))))
                .toList();
        long counted = top.stream().mapToLong(TopValues.Entry::count).sum();
        return new TopValues("client ip", r.recordsScanned(), Math.max(counted, r.recordsMatched()), top);
    }

    /** Runs {@code query} (Logs Insights syntax) over this query's log group and time range. */
    public InsightsResult insights(String query) {
        Instant from = start != null ? start : Instant.now().minus(java.time.Duration.ofHours(1));
        // Insights takes whole seconds: the last second is included whole
        Instant to = end != null ? end.plusSeconds(1) : Instant.now().plusSeconds(1);
        return LogsInsights.run(context, logGroup, query, from, to, LogsInsights.DEFAULT_TIMEOUT);
    }

    /**
     * The Insights commands that select this query's events, ending in {@code " | "} (empty when
     * every event is wanted), or null when the filter pattern cannot be said in Insights.
     */
    String insightsFilter() {
        StringBuilder q = new StringBuilder();
        if (status != null) {
            q.append("parse @message /\\bstatus=(?<status>\\d{3})\\b/ | filter status = ").append(status).append(" | ");
        } else if (!filterPattern.isEmpty()) {
            if (FilterPatterns.isFilterSyntax(filterPattern)) return null;
            for (String word : FilterPatterns.words(filterPattern)) {
                boolean not = word.startsWith("-") && word.length() > 1;
                String term = not ? word.substring(1) : word;
                if (term.length() >= 2 && term.startsWith("\"") && term.endsWith("\"")) {
                    term = term.substring(1, term.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
                }
                q.append("filter ").append(not ? "not " : "").append("@message like ").append(quote(term)).append(" | ");
            }
        }
        if (!streams.isEmpty()) {
            q.append("filter @logStream in [").append(String.join(", ", streams.stream().map(LogQuery::quote).toList())).append("] | ");
        }
        return q.toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The {@code n} most frequent values of {@code key} (null means the event carries none),
     * counted while streaming: only the counts are kept, but every matching event is read (one
     * FilterLogEvents call per page). For client IPs, {@link #topClientIps} asks Insights instead.
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
