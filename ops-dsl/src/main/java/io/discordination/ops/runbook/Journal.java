package io.discordination.ops.runbook;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.JsonLines;
import io.discordination.ops.OpsException;
import io.discordination.ops.Redactor;
import io.discordination.ops.gate.Operator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
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
 * <p>Events: {@code run-started} (runbook, file, content hash, step keys, environment and its file
 * with the file's hash, parameters, resumedFrom), {@code step-started}, {@code step-finished}
 * (duration, result summary, and for an action its typed result, see {@link StepResults}),
 * {@code step-failed} (error), {@code step-skipped} (finished in an earlier run, with the result
 * carried over), {@code resumed-by} (written into an earlier run's journal when a run resumes it:
 * that run may not be resumed again), {@code run-finished} (outcome, exit code),
 * {@code run-interrupted} (the step it stopped in, outcome interrupted, exit code 130: Ctrl-C;
 * resumable like a run that was killed).
 *
 * <pre>{@code Journal.read(OpsPaths.home(), "20250101-120000-a1b2").finishedSteps()}</pre>
 */
public final class Journal {
    /** One line of the journal; fields that do not apply to an event are left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(Instant time, String event, String runId, Integer step, String kind, String title,
                        String runbook, String file, String contentHash, List<String> steps, String environment,
                        String mode, Map<String, String> parameters, String resumedFrom, String operator,
                        Long durationMs, String summary, String error, String outcome, Integer exitCode,
                        String environmentFile, String environmentHash, String resumedBy, JsonNode result) {

        static Entry event(String event, String runId) {
            return new Entry(Instant.now(), event, runId, null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null, null);
        }

        Entry step(Step s) {
            return new Entry(time, event, runId, s.number(), s.kind().label(), s.title(), runbook, file, contentHash,
                    steps, environment, mode, parameters, resumedFrom, operator, durationMs, summary, error, outcome, exitCode,
                    environmentFile, environmentHash, resumedBy, result);
        }

        Entry result(Long durationMs, String summary, String error) {
            return new Entry(time, event, runId, step, kind, title, runbook, file, contentHash, steps, environment, mode,
                    parameters, resumedFrom, operator, durationMs, summary, error, outcome, exitCode,
                    environmentFile, environmentHash, resumedBy, result);
        }

        /** This entry with an action's typed result ({@link StepResults#write}); null leaves it out. */
        Entry typedResult(JsonNode typed) {
            return new Entry(time, event, runId, step, kind, title, runbook, file, contentHash, steps, environment, mode,
                    parameters, resumedFrom, operator, durationMs, summary, error, outcome, exitCode,
                    environmentFile, environmentHash, resumedBy, typed);
        }

        static Entry runStarted(String runId, Runbook runbook, List<String> steps, String environment,
                                String environmentFile, String environmentHash, String mode, Map<String, String> parameters,
                                String resumedFrom, String operator) {
            return new Entry(Instant.now(), "run-started", runId, null, null, null, runbook.name(),
                    runbook.source().file().toAbsolutePath().toString(), runbook.source().contentHash(), steps, environment,
                    mode, parameters, resumedFrom, operator, null, null, null, null, null, environmentFile, environmentHash,
                    null, null);
        }

        static Entry runFinished(String runId, String runbook, String error, String outcome, int exitCode) {
            return new Entry(Instant.now(), "run-finished", runId, null, null, null, runbook, null, null, null, null, null,
                    null, null, null, null, null, error, outcome, exitCode, null, null, null, null);
        }

        /** Ctrl-C: the step the run stopped in (null before the first), and why. */
        static Entry runInterrupted(String runId, Step step, String error) {
            Entry entry = new Entry(Instant.now(), "run-interrupted", runId, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, error, "interrupted", 130, null, null, null, null);
            return step == null ? entry : entry.step(step);
        }

        static Entry resumedBy(String runId, String successor, String operator) {
            return new Entry(Instant.now(), "resumed-by", runId, null, null, null, null, null, null, null, null, null,
                    null, null, operator, null, null, null, null, null, null, null, successor, null);
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

    /**
     * Records in the journal of {@code runId} that run {@code successor} resumes it, so that a later
     * {@code --resume runId} is refused and names the successor. The caller holds {@link RunLock} on {@code runId}.
     */
    public static void recordSuccessor(Path opsHome, String runId, String successor, Redactor redactor) {
        new Journal(fileOf(opsHome, runId), redactor).append(Entry.resumedBy(runId, successor, Operator.osUser().user()));
    }

    /** The SHA-256 of a file's bytes as hex, or null when it cannot be read: what a resume compares an environment file by. */
    public static String hashOf(Path file) {
        if (file == null) return null;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
        /** The run-started line; a journal without one (empty, cut short, not a journal) cannot be resumed: exit 2. */
        public Entry start() {
            return entries.stream().filter(e -> "run-started".equals(e.event()) && e.runId() != null && e.runbook() != null)
                    .findFirst()
                    .orElseThrow(() -> OpsException.builder("The journal " + file + " has no readable run-started line (it is empty, "
                                    + "cut short or not a run journal); it cannot be resumed")
                            .hint("start a new run without --resume; ops audit --run ID shows what the old run did").invalidInput());
        }

        public Optional<Entry> finish() {
            return entries.stream().filter(e -> "run-finished".equals(e.event())).reduce((a, b) -> b);
        }

        /** The run that resumed this one, if one did. */
        public Optional<String> successor() {
            return entries.stream().filter(e -> "resumed-by".equals(e.event()) && e.resumedBy() != null)
                    .map(Entry::resumedBy).reduce((a, b) -> b);
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

        /** The typed result journaled for each finished step, by step key (see {@link StepResults}). */
        public Map<String, JsonNode> finishedResults() {
            Map<String, JsonNode> results = new LinkedHashMap<>();
            for (Entry e : entries) {
                if (("step-finished".equals(e.event()) || "step-skipped".equals(e.event())) && e.kind() != null && e.result() != null) {
                    results.put(e.kind() + ":" + e.title(), e.result());
                }
            }
            return results;
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

    /**
     * Reads the journal of {@code runId}. Lines that cannot be decoded or parsed (a torn last line of a
     * crashed run, or a file that is no journal) are skipped; {@link Recorded#start} says when nothing usable is left.
     */
    public static Recorded read(Path opsHome, String runId) {
        Path file = fileOf(opsHome, runId);
        if (!Files.isRegularFile(file)) {
            throw OpsException.builder("No journal for run " + runId + " (" + file + ")")
                    .hint("run ids are the file names in " + directory(opsHome)).invalidInput();
        }
        try {
            return new Recorded(file, JsonLines.read(file, Entry.class).records());
        } catch (IOException e) {
            throw OpsException.builder("Cannot read the run journal " + file + ": " + e.getMessage()).cause(e).build();
        }
    }
}
