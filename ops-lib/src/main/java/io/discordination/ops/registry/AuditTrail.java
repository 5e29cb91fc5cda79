package io.discordination.ops.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discordination.ops.Json;
import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.CentralTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The central audit trail of one environment: the registry's CloudWatch Logs group
 * ({@code registry.auditLogGroup}), fed from the local spool ({@link AuditLog}, fsync'd before
 * every effect). Each spool ships to its own log stream, {@code <host>/<spool id>}; each event's
 * message is the record's JSON line as spooled (redacted). What was shipped is kept in a small
 * position file beside the spool ({@code <env>.shipped.json}: the spool's byte offset), so a
 * command ships only the lines after it. Nothing is shipped twice: before a batch goes out the
 * position file marks it in flight, and a marker left by a crash is settled by looking for the
 * batch's ids in the stream before sending what is missing.
 * <p>
 * Shipping never holds a run up for long: every call has a short time limit, a failure is said
 * once per command and the records wait in the spool for the next command, unless the
 * environment requires the trail ({@link #required()}), when {@link #shipNow} fails instead.
 *
 * <pre>{@code
 * AuditTrail trail = registry.auditTrail(spool, redactor, required, awsErrors, notices);
 * trail.shipSoon();             // after an effect
 * trail.close();                // at the end of the command: a last, bounded ship
 * AuditTrail.View view = trail.read(since, 1000, r -> true);
 * }</pre>
 */
public final class AuditTrail implements CentralTrail, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    /** PutLogEvents: at most 10,000 events and 1,048,576 bytes (messages plus 26 bytes each) per call. */
    static final int MAX_EVENTS = 10_000;
    static final int MAX_BATCH_BYTES = 1_048_576;
    static final int EVENT_OVERHEAD = 26;
    /** One event's message at most (CloudWatch Logs' limit is 256 KB with the overhead). */
    static final int MAX_MESSAGE_BYTES = 256 * 1024 - EVENT_OVERHEAD;
    /** A batch may span at most 24 hours; events older than 14 days or over 2 hours ahead are rejected. */
    static final Duration MAX_BATCH_SPAN = Duration.ofHours(23);
    static final Duration OLDEST_ACCEPTED = Duration.ofDays(14).minusHours(1);
    /** How much of the spool one read takes in. */
    private static final int READ_CHUNK = 4 * 1024 * 1024;
    /**
     * Each call to CloudWatch Logs, retries included, in the background and at the end of a
     * command (a cold JVM's first call on a busy machine takes seconds; a refused connection fails
     * at once, a silent endpoint after two attempts of half this each).
     */
    static final Duration SHIP_TIMEOUT = Duration.ofSeconds(10);
    /** Each call when a destructive effect waits for it (audit.requireCentral). */
    static final Duration REQUIRED_TIMEOUT = Duration.ofSeconds(10);
    /** Locks of the spools this JVM ships, so two contexts in one JVM take turns as two processes do. */
    private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    /** One record of {@link #read}: shipped (from the central trail) or still only in this machine's spool. */
    public record Entry(AuditLog.Record record, boolean shipped) {
    }

    /**
     * What {@link #read} found: the records, oldest first; {@code truncated} when the limit cut the
     * central trail short; {@code unavailable}, the reason the central trail could not be read (the
     * records are then this machine's spool only), or null.
     */
    public record View(List<Entry> entries, boolean truncated, String unavailable) {
    }

    /** The position file: which spool, its stream, how far it is shipped, and a batch in flight (or null). */
    record Position(String spool, String stream, long offset, InFlight inFlight) {
        Position at(long newOffset) {
            return new Position(spool, stream, newOffset, null);
        }

        Position sending(long from, long to, int count) {
            return new Position(spool, stream, offset, new InFlight(from, to, count));
        }
    }

    /** A batch of spool bytes [from, to) of {@code count} events that may have reached the stream. */
    record InFlight(long from, long to, int count) {
    }

    /** One complete line of the spool: its bytes and where it starts and ends (after its newline). */
    private record Line(long start, long end, byte[] bytes) {
    }

    /** A spool line made an event: its id, record time, the event's timestamp and message. */
    private record Event(String id, Instant time, long timestamp, String message, long start, long end) {
    }

    private final String environment;
    private final String group;
    private final boolean required;
    private final AuditLog spool;
    private final Redactor redactor;
    private final AwsErrors errors;
    private final Supplier<CloudWatchLogsClient> logs;
    private final Consumer<String> notices;
    private final Path positionFile;
    private final Path lockFile;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicBoolean noticed = new AtomicBoolean();
    private ExecutorService background;
    /** The first failure of this command: later effects then leave their records in the spool. */
    private volatile String failure;
    private volatile boolean closed;

    AuditTrail(String environment, String group, boolean required, AuditLog spool, Redactor redactor, AwsErrors errors,
               Supplier<CloudWatchLogsClient> logs, Consumer<String> notices) {
        this.environment = environment;
        this.group = group;
        this.required = required;
        this.spool = spool;
        this.redactor = redactor;
        this.errors = errors;
        this.logs = logs;
        this.notices = notices;
        String name = spool.file().getFileName().toString().replaceFirst("\\.jsonl$", "");
        this.positionFile = spool.file().resolveSibling(name + ".shipped.json");
        this.lockFile = spool.file().resolveSibling(name + ".shipping.lock");
    }

    /**
     * For an environment without {@code registry.auditLogGroup}: records stay in the spool, and when
     * {@code required} every destructive effect is refused, saying {@code why}.
     */
    public static CentralTrail missing(boolean required, String why) {
        if (!required) return CentralTrail.NONE;
        return new CentralTrail() {
            @Override
            public boolean required() {
                return true;
            }

            @Override
            public void shipNow() throws Unavailable {
                throw new Unavailable(why);
            }

            @Override
            public void shipSoon() {
            }
        };
    }

    public String group() {
        return group;
    }

    /** The position file beside the spool. */
    public Path positionFile() {
        return positionFile;
    }

    @Override
    public boolean required() {
        return required;
    }

    /** True when the spool has lines the trail has not acknowledged (read from the position file: cheap). */
    public boolean backlog() {
        try {
            long size = Files.exists(spool.file()) ? Files.size(spool.file()) : 0;
            Position position = readPosition();
            return position == null ? size > 0 : position.inFlight() != null || position.offset() != size;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void shipNow() throws Unavailable {
        try {
            ship(REQUIRED_TIMEOUT);
        } catch (Unavailable e) {
            failure = e.getMessage();
            throw e;
        }
    }

    /** Ships the backlog now, bounded; returns why it could not (said once on stderr too), or null. */
    public String shipBacklog() {
        try {
            ship(SHIP_TIMEOUT);
            return null;
        } catch (Unavailable e) {
            fail(e.getMessage());
            return e.getMessage();
        }
    }

    @Override
    public synchronized void shipSoon() {
        if (closed || failure != null || !pending.compareAndSet(false, true)) return;
        if (background == null) {
            background = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "audit-shipping");
                t.setDaemon(true);
                return t;
            });
        }
        background.execute(() -> {
            pending.set(false);
            if (failure != null) return;
            try {
                ship(SHIP_TIMEOUT);
            } catch (Unavailable e) {
                fail(e.getMessage());
            } catch (RuntimeException e) {
                LOG.debug("shipping the audit spool failed", e);
                fail(redactor.redact(String.valueOf(e.getMessage())));
            }
        });
    }

    /**
     * The end of the command: waits (bounded) for the background shipping, then ships what is
     * left, unless the trail already failed in this command (the next command ships it).
     */
    @Override
    public void close() {
        ExecutorService running;
        synchronized (this) {
            if (closed) return;
            closed = true;
            running = background;
        }
        if (running != null) {
            running.shutdown();
            try {
                if (!running.awaitTermination(SHIP_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                    // still shipping past its time limit: what is left waits for the next command
                    running.shutdownNow();
                    return;
                }
            } catch (InterruptedException e) {
                running.shutdownNow();
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (failure == null && backlog()) shipBacklog();
    }

    private void fail(String reason) {
        if (failure == null) failure = reason;
        if (noticed.compareAndSet(false, true)) {
            notices.accept("the central audit trail (log group " + group + ") cannot be written: " + reason
                    + "; the records stay in " + spool.file() + " and the next command ships them");
        }
    }

    // --- shipping ---

    /** Ships every complete spool line after the position, holding the spool's shipping lock. */
    private void ship(Duration timeout) throws Unavailable {
        ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), p -> new ReentrantLock());
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!jvm.tryLock(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Unavailable("another command of this OPS_HOME is still shipping " + spool.file());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while waiting to ship " + spool.file());
        }
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockBefore(channel, deadline)) {
                shipLocked(timeout);
            }
        } catch (IOException e) {
            throw new Unavailable("cannot read or write " + positionFile + ": " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new Unavailable("cannot read or write " + positionFile + ": " + e.getCause().getMessage());
        } finally {
            jvm.unlock();
        }
    }

    private FileLock lockBefore(FileChannel channel, long deadline) throws IOException, Unavailable {
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) return lock;
            if (System.nanoTime() > deadline) throw new Unavailable("another process is still shipping " + spool.file());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted while waiting to ship " + spool.file());
            }
        }
    }

    private void shipLocked(Duration timeout) throws IOException, Unavailable {
        long size = Files.exists(spool.file()) ? Files.size(spool.file()) : 0;
        Position position = readPosition();
        if (position == null || size < position.offset()) {
            // a new spool (or one replaced by a shorter file): a new stream, from its first byte
            if (size == 0) return;
            position = newSpool();
            createStream(position.stream(), timeout);
            writePosition(position);
        }
        if (position.inFlight() != null) position = settle(position, timeout);
        while (position.offset() < size) {
            List<Line> lines = lines(position.offset(), size);
            if (lines.isEmpty()) break; // only a line still being written
            List<Event> batch = nextBatch(position, lines);
            long end = batch.isEmpty() ? lines.get(lines.size() - 1).end() : batch.get(batch.size() - 1).end();
            if (!batch.isEmpty()) {
                writePosition(position.sending(position.offset(), end, batch.size()));
                put(position.stream(), batch, timeout);
            }
            position = position.at(end);
            writePosition(position);
        }
    }

    /**
     * A batch in flight when the last shipper stopped: sends those of its events whose ids the
     * stream does not have, so a batch that did go out is not sent again.
     */
    private Position settle(Position position, Duration timeout) throws IOException, Unavailable {
        InFlight flight = position.inFlight();
        List<Event> events = new ArrayList<>();
        for (Line line : lines(flight.from(), flight.to())) {
            Event e = event(position, line);
            if (e != null) events.add(e);
        }
        if (!events.isEmpty()) {
            Set<String> present = idsInStream(position.stream(), events, timeout);
            List<Event> missing = events.stream().filter(e -> !present.contains(e.id())).toList();
            if (!missing.isEmpty()) put(position.stream(), missing, timeout);
        }
        Position settled = position.at(flight.to());
        writePosition(settled);
        return settled;
    }

    /** The ids among the stream's events in the time range of {@code events}. */
    private Set<String> idsInStream(String stream, List<Event> events, Duration timeout) throws Unavailable {
        long from = events.stream().mapToLong(Event::timestamp).min().orElse(0);
        long to = events.stream().mapToLong(Event::timestamp).max().orElse(0);
        Set<String> ids = new HashSet<>();
        String token = null;
        try {
            for (int page = 0; page < 100; page++) {
                String next = token;
                GetLogEventsResponse r = logs.get().getLogEvents(b -> b.logGroupName(group).logStreamName(stream)
                        .startTime(from).endTime(to + 1).startFromHead(true).nextToken(next).overrideConfiguration(limits(timeout)));
                for (OutputLogEvent e : r.events()) {
                    String id = idOf(e.message());
                    if (id != null) ids.add(id);
                }
                if (r.events().isEmpty() || r.nextForwardToken() == null || r.nextForwardToken().equals(token)) break;
                token = r.nextForwardToken();
            }
        } catch (ResourceNotFoundException noStream) {
            return ids; // the stream was never created: nothing of the batch went out
        } catch (SdkException e) {
            throw unavailable("GetLogEvents", e, timeout);
        }
        return ids;
    }

    private void put(String stream, List<Event> batch, Duration timeout) throws Unavailable {
        List<InputLogEvent> events = batch.stream()
                .sorted(Comparator.comparingLong(Event::timestamp))
                .map(e -> InputLogEvent.builder().timestamp(e.timestamp()).message(e.message()).build())
                .toList();
        PutLogEventsResponse response;
        try {
            try {
                response = logs.get().putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events)
                        .overrideConfiguration(limits(timeout)));
            } catch (ResourceNotFoundException noStream) {
                createStream(stream, timeout);
                response = logs.get().putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events)
                        .overrideConfiguration(limits(timeout)));
            }
        } catch (SdkException e) {
            throw unavailable("PutLogEvents", e, timeout);
        }
        if (response.rejectedLogEventsInfo() != null) {
            notices.accept("CloudWatch Logs rejected some audit records of " + spool.file() + " (" + response.rejectedLogEventsInfo()
                    + "); they stay in the spool only");
        }
    }

    private void createStream(String stream, Duration timeout) throws Unavailable {
        try {
            logs.get().createLogStream(b -> b.logGroupName(group).logStreamName(stream).overrideConfiguration(limits(timeout)));
        } catch (ResourceAlreadyExistsException exists) {
            // made by an earlier attempt
        } catch (ResourceNotFoundException noGroup) {
            throw new Unavailable("the log group " + group + " does not exist (ops setup --env " + environment + " creates it)");
        } catch (SdkException e) {
            throw unavailable("CreateLogStream", e, timeout);
        }
    }

    /** The next batch from {@code lines}: within PutLogEvents' limits of count, bytes and time span. */
    private List<Event> nextBatch(Position position, List<Line> lines) {
        List<Event> batch = new ArrayList<>();
        long bytes = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Line line : lines) {
            Event e = event(position, line);
            if (e == null) {
                if (batch.isEmpty()) continue; // a torn line: not a record; passed over
                // keep the offset arithmetic simple: a torn line inside a batch ends it, the next batch passes it over
                break;
            }
            long size = e.message().getBytes(StandardCharsets.UTF_8).length + EVENT_OVERHEAD;
            long newMin = Math.min(min, e.timestamp());
            long newMax = Math.max(max, e.timestamp());
            if (!batch.isEmpty() && (batch.size() == MAX_EVENTS || bytes + size > MAX_BATCH_BYTES
                    || newMax - newMin > MAX_BATCH_SPAN.toMillis())) {
                break;
            }
            batch.add(e);
            bytes += size;
            min = newMin;
            max = newMax;
        }
        return batch;
    }

    /** A spool line as an event, or null when it is not a complete record (a line torn by a crash). */
    private Event event(Position position, Line line) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(line.bytes());
        } catch (IOException notJson) {
            return null;
        }
        if (node == null || !node.isObject()) return null;
        String id = node.path("id").asText(null);
        String message;
        if (id == null) {
            // written before records had ids: one that stays the same however often this line is read
            id = position.spool() + "-" + line.start();
            ObjectNode withId = Json.mapper().createObjectNode().put("id", id);
            withId.setAll((ObjectNode) node);
            message = Json.write(withId);
        } else {
            message = new String(line.bytes(), StandardCharsets.UTF_8);
        }
        message = redactor.redact(message);
        Instant time = parseTime(node.path("time").asText(null));
        if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) message = cut(node, id, message);
        long now = System.currentTimeMillis();
        long timestamp = Math.min(Math.max(time.toEpochMilli(), now - OLDEST_ACCEPTED.toMillis()), now);
        return new Event(id, time, timestamp, message, line.start(), line.end());
    }

    /** A record too large for one event: its identity and what it was, without the large parts. */
    private static String cut(JsonNode node, String id, String message) {
        ObjectNode small = Json.mapper().createObjectNode().put("id", id);
        for (String field : List.of("time", "event", "runId", "environment")) {
            if (node.hasNonNull(field)) small.put(field, node.get(field).asText());
        }
        small.set("operator", node.get("operator"));
        small.put("truncated", "the record's " + message.length() + " characters exceed one CloudWatch Logs event; the spool has it whole");
        return Json.write(small);
    }

    private static Instant parseTime(String text) {
        try {
            return text == null ? Instant.now() : Instant.parse(text);
        } catch (RuntimeException e) {
            return Instant.now();
        }
    }

    private static String idOf(String message) {
        try {
            JsonNode node = Json.mapper().readTree(message);
            return node == null ? null : node.path("id").asText(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** The complete lines (ending in a newline) of the spool between {@code from} and {@code to}, at most one chunk. */
    private List<Line> lines(long from, long to) throws IOException {
        List<Line> lines = new ArrayList<>();
        if (!Files.exists(spool.file()) || from >= to) return lines;
        int length = (int) Math.min(READ_CHUNK, to - from);
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(spool.file(), StandardOpenOption.READ)) {
            while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
                // read on
            }
        }
        byte[] bytes = buffer.array();
        int read = buffer.position();
        int start = 0;
        for (int i = 0; i < read; i++) {
            if (bytes[i] != '\n') continue;
            byte[] line = java.util.Arrays.copyOfRange(bytes, start, i);
            lines.add(new Line(from + start, from + i + 1, line));
            start = i + 1;
        }
        if (lines.isEmpty() && read == READ_CHUNK) {
            // one line longer than a chunk: no record; pass over it
            lines.add(new Line(from, from + read, new byte[0]));
        }
        return lines;
    }

    private Unavailable unavailable(String action, SdkException e, Duration timeout) {
        LOG.debug("{} on {} failed", action, group, e);
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new Unavailable("CloudWatch Logs did not answer " + action + " on " + group + " within " + timeout.toSeconds() + " s");
        }
        OpsException translated = errors.translate(action, "log group " + group, e);
        return new Unavailable(redactor.redact(translated.getMessage()));
    }

    private static AwsRequestOverrideConfiguration limits(Duration timeout) {
        return AwsRequestOverrideConfiguration.builder().apiCallTimeout(timeout)
                .apiCallAttemptTimeout(timeout.dividedBy(2)).build();
    }

    // --- the position file ---

    private Position newSpool() {
        String spoolId = environment + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        return new Position(spoolId, host() + "/" + spoolId, 0, null);
    }

    Position readPosition() throws IOException {
        if (!Files.exists(positionFile)) return null;
        try {
            return Json.mapper().readValue(positionFile.toFile(), Position.class);
        } catch (IOException torn) {
            // written by rename, so torn only by hand: ship again from a new stream rather than lose records
            LOG.warn("unreadable {}: {}", positionFile, torn.getMessage());
            return null;
        }
    }

    void writePosition(Position position) throws IOException {
        Path temp = positionFile.resolveSibling(positionFile.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap((Json.write(position) + "\n").getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(true);
        }
        Files.move(temp, positionFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** This machine's name, as log stream names carry it (no {@code :} or {@code *}). */
    static String host() {
        return Host.name().replaceAll("[^A-Za-z0-9._-]", "-");
    }

    // --- reading ---

    /**
     * The central trail of every operator since {@code since} (FilterLogEvents, paged, at most
     * {@code limit} records matching {@code filter}), with this machine's unshipped records merged
     * in and marked. When the group cannot be read, this machine's whole spool, each line marked as
     * the position file says, and the reason in {@link View#unavailable()}.
     */
    public View read(Instant since, int limit, Predicate<AuditLog.Record> filter) {
        Predicate<AuditLog.Record> wanted = r -> r.time() != null && !r.time().isBefore(since)
                && (r.environment() == null || environment.equals(r.environment())) && filter.test(r);
        Map<String, Entry> byId = new LinkedHashMap<>();
        boolean truncated = false;
        try {
            String token = null;
            do {
                String next = token;
                FilterLogEventsResponse r = logs.get().filterLogEvents(b -> b.logGroupName(group)
                        .startTime(Math.max(0, since.toEpochMilli())).nextToken(next).limit(Math.min(MAX_EVENTS, limit + 1))
                        .overrideConfiguration(limits(Duration.ofSeconds(20))));
                for (FilteredLogEvent e : r.events()) {
                    AuditLog.Record record = parse(e.message());
                    if (record == null || !wanted.test(record)) continue;
                    if (byId.size() >= limit) {
                        truncated = true;
                        break;
                    }
                    byId.putIfAbsent(record.id() == null ? e.eventId() : record.id(), new Entry(record, true));
                }
                token = r.nextToken();
            } while (token != null && !truncated);
        } catch (SdkException e) {
            String reason = unavailable("FilterLogEvents", e, Duration.ofSeconds(20)).getMessage();
            return new View(local(wanted), false, reason);
        }
        for (Entry unshipped : unshipped(wanted)) byId.putIfAbsent(unshipped.record().id(), unshipped);
        List<Entry> entries = new ArrayList<>(byId.values());
        entries.sort(Comparator.comparing((Entry e) -> e.record().time()).thenComparing(e -> String.valueOf(e.record().id())));
        return new View(entries, truncated, null);
    }

    /** The spool's records after the shipped position (a batch in flight included), each with its id. */
    private List<Entry> unshipped(Predicate<AuditLog.Record> wanted) {
        try {
            Position position = readPosition();
            long from = position == null ? 0 : position.inFlight() != null ? position.inFlight().from() : position.offset();
            return spoolEntries(position, from, wanted, false);
        } catch (IOException e) {
            throw OpsException.builder("Cannot read the audit spool " + spool.file() + ": " + e.getMessage()).cause(e).build();
        }
    }

    /** The whole spool, marked shipped up to the position. */
    private List<Entry> local(Predicate<AuditLog.Record> wanted) {
        try {
            Position position = readPosition();
            return spoolEntries(position, 0, wanted, true);
        } catch (IOException e) {
            throw OpsException.builder("Cannot read the audit spool " + spool.file() + ": " + e.getMessage()).cause(e).build();
        }
    }

    private List<Entry> spoolEntries(Position position, long from, Predicate<AuditLog.Record> wanted, boolean markByPosition)
            throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(spool.file())) return entries;
        Position p = position == null ? new Position("unshipped", "", 0, null) : position;
        long shippedTo = p.inFlight() != null ? p.inFlight().from() : p.offset();
        long size = Files.size(spool.file());
        long at = from;
        while (at < size) {
            List<Line> lines = lines(at, size);
            if (lines.isEmpty()) break;
            for (Line line : lines) {
                Event e = event(p, line);
                AuditLog.Record record = e == null ? null : parse(e.message());
                if (record != null && wanted.test(record)) {
                    boolean shipped = markByPosition && position != null && line.end() <= shippedTo;
                    entries.add(new Entry(record, shipped));
                }
            }
            at = lines.get(lines.size() - 1).end();
        }
        return entries;
    }

    private static AuditLog.Record parse(String message) {
        try {
            return Json.mapper().readValue(message, AuditLog.Record.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
