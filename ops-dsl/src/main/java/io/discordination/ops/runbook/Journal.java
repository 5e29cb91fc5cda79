package io.discordination.ops.runbook;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.discordination.ops.Json;
import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The journal of one run: JSON lines in {@code OPS_HOME/runs/<run-id>.jsonl}, each on disk (fsync)
 * before the run goes on, so a run killed at any point can be resumed from what it wrote. Every
 * line passes through the run's redactor; secret parameters are written as {@code ****}.
 *
 * <p>Events: {@code run-started} (runbook, file, content hash, step keys, environment, parameters,
 * resumedFrom), {@code step-started}, {@code step-finished} (duration, result summary),
 * {@code step-failed} (error), {@code step-skipped} (finished in an earlier run),
 * {@code run-finished} (outcome, exit code).
 *
 * <pre>{@code Journal.read(OpsPaths.home(), "20250101-120000-a1b2").finishedActions()}</pre>
 */
public final class Journal {
    /** One line of the journal; fields that do not apply to an event are left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(Instant time, String event, String runId, Integer step, String kind, String title,
                        String runbook, String file, String contentHash, List<String> steps, String environment,
                        String mode, Map<String, String> parameters, String resumedFrom, String operator,
                        Long durationMs, String summary, String error, String outcome, Integer exitCode) {

        static Entry event(String event, String runId) {
            return new Entry(Instant.now(), event, runId, null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null);
        }

        Entry step(Step s) {
            return new Entry(time, event, runId, s.number(), s.kind().label(), s.title(), runbook, file, contentHash,
                    steps, environment, mode, parameters, resumedFrom, operator, durationMs, summary, error, outcome, exitCode);
        }

        Entry result(Long durationMs, String summary, String error) {
            return new Entry(time, event, runId, step, kind, title, runbook, file, contentHash, steps, environment, mode,
                    parameters, resumedFrom, operator, durationMs, summary, error, outcome, exitCode);
        }
    }

    static final int SUMMARY_LIMIT = 2000;

    private final Path file;
    private final Redactor redactor;

    private Journal(Path file, Redactor redactor) {
        this.file = file;
        this.redactor = redactor;
    }

    public static Path directory(Path opsHome) {
        return opsHome.resolve("runs");
    }

    public static Path fileOf(Path opsHome, String runId) {
        if (runId == null || !runId.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw OpsException.builder("Invalid run id '" + runId + "'").hint("run ids look like 20250101-120000-a1b2; see OPS_HOME/runs/").invalidInput();
        }
        return directory(opsHome).resolve(runId + ".jsonl");
    }

    /** A new journal for {@code runId}; refuses to overwrite one that exists. */
    public static Journal create(Path opsHome, String runId, Redactor redactor) {
        Path file = fileOf(opsHome, runId);
        if (Files.exists(file)) throw new OpsException("A journal for run " + runId + " exists already: " + file);
        return new Journal(file, redactor);
    }

    public Path file() {
        return file;
    }

    /** Writes one line and forces it to disk before returning. */
    public void append(Entry entry) {
        byte[] line = (redactor.redact(Json.write(entry)) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) channel.write(buffer);
                channel.force(true);
            }
        } catch (IOException e) {
            throw OpsException.builder("Cannot write the run journal " + file + ": " + e.getMessage())
                    .hint("check that OPS_HOME is writable").cause(e).build();
        }
    }

    /** A journal read back, for {@code --resume}. */
    public record Recorded(Path file, List<Entry> entries) {
        public Entry start() {
            return entries.stream().filter(e -> "run-started".equals(e.event())).findFirst()
                    .orElseThrow(() -> new OpsException("The journal " + file + " has no run-started line; it cannot be resumed"));
        }

        public Optional<Entry> finish() {
            return entries.stream().filter(e -> "run-finished".equals(e.event())).reduce((a, b) -> b);
        }

        /** Step keys ({@code kind:title}) that finished in this run or were skipped because an earlier one finished them. */
        public Set<String> finishedSteps() {
            Set<String> done = new LinkedHashSet<>();
            for (Entry e : entries) {
                if (("step-finished".equals(e.event()) || "step-skipped".equals(e.event())) && e.kind() != null) {
                    done.add(e.kind() + ":" + e.title());
                }
            }
            return done;
        }

        /** Steps that started and never finished or failed: the run died inside them. */
        public List<String> interruptedSteps() {
            List<String> open = new ArrayList<>();
            for (Entry e : entries) {
                String key = e.kind() + ":" + e.title();
                if ("step-started".equals(e.event())) open.add(key);
                if ("step-finished".equals(e.event()) || "step-failed".equals(e.event())) open.remove(key);
            }
            return open;
        }
    }

    /** Reads the journal of {@code runId}; a torn last line (a crash mid-write) is skipped. */
    public static Recorded read(Path opsHome, String runId) {
        Path file = fileOf(opsHome, runId);
        if (!Files.isRegularFile(file)) {
            throw OpsException.builder("No journal for run " + runId + " (" + file + ")")
                    .hint("run ids are the file names in " + directory(opsHome)).invalidInput();
        }
        List<Entry> entries = new ArrayList<>();
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.filter(l -> !l.isBlank()).forEach(l -> {
                try {
                    entries.add(Json.mapper().readValue(l, Entry.class));
                } catch (IOException torn) {
                    // the last line of a run killed while writing it
                }
            });
        } catch (IOException e) {
            throw OpsException.builder("Cannot read the run journal " + file + ": " + e.getMessage()).cause(e).build();
        }
        return new Recorded(file, entries);
    }
}
