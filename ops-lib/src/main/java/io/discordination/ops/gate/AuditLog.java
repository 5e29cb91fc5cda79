package io.discordination.ops.gate;

import io.discordination.ops.Json;
import io.discordination.ops.JsonLines;
import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The audit log of one environment: JSON lines in {@code OPS_HOME/audit/<env>.jsonl}, one when an
 * effect starts and one when it ends. Each line is on disk (fsync) before {@link #append} returns,
 * so a process killed during an effect still leaves its "started" line. Every line passes through
 * the redactor and carries a unique {@code id}. Several processes may append at once: each write
 * holds a file lock. With a {@code registry:} this file is the spool of the central trail
 * ({@link CentralTrail}): every line is written here first, then shipped.
 *
 * <pre>{@code AuditLog.forEnvironment(OpsPaths.home(), "prod", redactor).read()}</pre>
 */
public final class AuditLog {
    /**
     * One line of the log. {@code event} is started, ok, failed or refused. An "ok" line of an
     * effect that can be reversed carries its inverse in {@code undo}: what {@code ops undo} runs.
     * {@code id} is unique per record ({@link #append} gives one); lines written before ids were
     * introduced read with a null id.
     */
    public record Record(String id, Instant time, String event, String runId, String environment, Operator operator,
                         Effect effect, String reason, Long durationMs, Effect undo) {
        public Record(Instant time, String event, String runId, String environment, Operator operator,
                      Effect effect, String reason, Long durationMs, Effect undo) {
            this(null, time, event, runId, environment, operator, effect, reason, durationMs, undo);
        }

        public Record(Instant time, String event, String runId, String environment, Operator operator,
                      Effect effect, String reason, Long durationMs) {
            this(null, time, event, runId, environment, operator, effect, reason, durationMs, null);
        }
    }

    private final Path file;
    private final Redactor redactor;

    public AuditLog(Path file, Redactor redactor) {
        this.file = file;
        this.redactor = redactor;
    }

    public static AuditLog forEnvironment(Path opsHome, String environment, Redactor redactor) {
        return new AuditLog(opsHome.resolve("audit").resolve(environment + ".jsonl"), redactor);
    }

    public Path file() {
        return file;
    }

    /** Writes one record, with a new id unless it has one, and forces it to disk; returns the record as written. */
    public Record append(Record record) {
        String id = record.id() != null ? record.id() : UUID.randomUUID().toString();
        Record safe = new Record(id, record.time(), record.event(), record.runId(), record.environment(), record.operator(),
                record.effect() == null ? null : record.effect().redacted(redactor),
                redactor.redact(record.reason()), record.durationMs(),
                record.undo() == null ? null : record.undo().redacted(redactor));
        byte[] line = (redactor.redact(Json.write(safe)) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
                 FileLock ignored = channel.lock()) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) channel.write(buffer);
                channel.force(true);
            }
        } catch (IOException e) {
            throw OpsException.builder("Cannot write the audit log " + file + ": " + e.getMessage())
                    .hint("check that OPS_HOME is writable; nothing was changed").cause(e).build();
        }
        return safe;
    }

    /** Every record, oldest first. Lines that cannot be read (a torn last line) are skipped: see {@link #readReporting}. */
    public List<Record> read() {
        return readReporting().records();
    }

    /**
     * Every record, oldest first, and the lines skipped because they cannot be decoded or parsed
     * (a line cut short by a crash, even inside a UTF-8 character), so the caller can warn about them.
     */
    public JsonLines.Read<Record> readReporting() {
        try {
            return JsonLines.read(file, Record.class);
        } catch (IOException e) {
            throw OpsException.builder("Cannot read the audit log " + file + ": " + e.getMessage()).cause(e).build();
        }
    }
}
