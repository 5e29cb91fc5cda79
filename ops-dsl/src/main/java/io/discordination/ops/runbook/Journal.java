package io.discordination.ops.runbook;

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
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The journal of one run: JSON lines in {@code OPS_HOME/runs/<run-id>.jsonl}, each on disk (fsync)
 * before the run goes on, so a run killed at any point can be resumed from what it wrote. Every
 * line passes through the run's redactor; secret parameters are written as {@code ****}.
 *
 * <p>Each line is one {@link JournalEvent}: {@code run-started}, {@code step-started},
 * {@code step-finished}, {@code step-failed}, {@code step-skipped}, {@code resumed-by},
 * {@code run-finished}, {@code run-interrupted}; each type says what its line carries.
 *
 * <pre>{@code Journal.read(OpsPaths.home(), "20250101-120000-a1b2").finishedSteps()}</pre>
 */
public final class Journal {
    static final int SUMMARY_LIMIT = 2000;

    private final Path file;
    private final Redactor redactor;
    private volatile java.util.function.Consumer<JournalEvent> observer = e -> {
    };

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
    public static void recordSuccessor(Path opsHome, String runId, String successor, String identity, String host, Redactor redactor) {
        new Journal(fileOf(opsHome, runId), redactor)
                .append(new JournalEvent.ResumedBy(Instant.now(), runId, Operator.osUser().user(), successor, identity, host));
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

    /**
     * Has {@code observer} told of each line once it is on disk (the run's {@link RunRecorder}); what
     * the observer throws never fails the run.
     */
    public void observe(java.util.function.Consumer<JournalEvent> observer) {
        this.observer = observer;
    }

    /** Writes one line and forces it to disk before returning, then tells the observer. */
    public void append(JournalEvent event) {
        byte[] line = (redactor.redact(Json.write(event)) + "\n").getBytes(StandardCharsets.UTF_8);
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
        try {
            observer.accept(event);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Journal.class).debug("the journal's observer failed", e);
        }
    }

    /** A journal read back, for {@code --resume}. */
    public record Recorded(Path file, List<JournalEvent> events) {
        public Recorded {
            events = List.copyOf(events);
        }

        /** The run-started line; a journal without one (empty, cut short, not a journal) cannot be resumed: exit 2. */
        public JournalEvent.RunStarted start() {
            return of(JournalEvent.RunStarted.class).filter(e -> e.runId() != null && e.runbook() != null)
                    .findFirst()
                    .orElseThrow(() -> OpsException.builder("The journal " + file + " has no readable run-started line (it is empty, "
                                    + "cut short or not a run journal); it cannot be resumed")
                            .hint("start a new run without --resume; ops audit --run ID shows what the old run did").invalidInput());
        }

        public Optional<JournalEvent.RunFinished> finish() {
            return of(JournalEvent.RunFinished.class).reduce((a, b) -> b);
        }

        /** The run that resumed this one, if one did. */
        public Optional<String> successor() {
            return of(JournalEvent.ResumedBy.class).map(JournalEvent.ResumedBy::resumedBy).filter(Objects::nonNull)
                    .reduce((a, b) -> b);
        }

        /** Step keys ({@code kind:title}) that finished in this run or were skipped because an earlier one finished them. */
        public Set<String> finishedSteps() {
            Set<String> done = new LinkedHashSet<>();
            for (JournalEvent e : events) {
                if (finishedStepKey(e) != null) done.add(finishedStepKey(e));
            }
            return done;
        }

        /** The typed result journaled for each finished step, by step key (see {@link StepResults}). */
        public Map<String, JsonNode> finishedResults() {
            Map<String, JsonNode> results = new LinkedHashMap<>();
            for (JournalEvent e : events) {
                JsonNode result = e instanceof JournalEvent.StepFinished f ? f.result()
                        : e instanceof JournalEvent.StepSkipped s ? s.result() : null;
                if (finishedStepKey(e) != null && result != null) results.put(finishedStepKey(e), result);
            }
            return results;
        }

        /** Steps that started and never finished or failed: the run died inside them. */
        public List<String> interruptedSteps() {
            List<String> open = new ArrayList<>();
            for (JournalEvent e : events) {
                if (e instanceof JournalEvent.StepStarted s) open.add(s.key());
                if (e instanceof JournalEvent.StepFinished || e instanceof JournalEvent.StepFailed) {
                    open.remove(((JournalEvent.StepEvent) e).key());
                }
            }
            return open;
        }

        private <T extends JournalEvent> Stream<T> of(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast);
        }

        private static String finishedStepKey(JournalEvent e) {
            return e instanceof JournalEvent.StepFinished || e instanceof JournalEvent.StepSkipped
                    ? ((JournalEvent.StepEvent) e).key() : null;
        }
    }

    /** A journal read from its bytes (the registry's copy of another machine's run); {@code source} names where they came from. */
    public static Recorded parse(Path source, byte[] content) {
        return new Recorded(source, JsonLines.read(content, JournalEvent.class).records());
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
            return new Recorded(file, JsonLines.read(file, JournalEvent.class).records());
        } catch (IOException e) {
            throw OpsException.builder("Cannot read the run journal " + file + ": " + e.getMessage()).cause(e).build();
        }
    }
}
