package io.discordination.ops.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.gate.LockFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Run history of an environment without a registry: read from the journals under
 * {@code OPS_HOME/runs} of this machine. A run whose journal has no end is going on while its
 * lock ({@code OPS_HOME/locks/run-<id>.lock}) is held; once the lock is free its process is gone,
 * and it is shown stale since its journal's last line. Nothing is written here: the journal is the record.
 *
 * <pre>{@code new LocalRunHistory(home, "local").list(null, true, 20)}</pre>
 */
public final class LocalRunHistory implements RunHistory {
    /** What a dead run's heartbeat interval is taken to be: its last journal line is its last sign of life. */
    private static final Duration GONE = Duration.ofMillis(1);

    private final Path opsHome;
    private final String environment;

    public LocalRunHistory(Path opsHome, String environment) {
        this.opsHome = opsHome;
        this.environment = environment;
    }

    @Override
    public boolean central() {
        return false;
    }

    @Override
    public Written record(RunRecord run, Fence fence) {
        return Written.OK;
    }

    @Override
    public Written heartbeat(String runId, Instant at, Fence fence) {
        return Written.OK;
    }

    @Override
    public List<RunRecord> list(Instant since, boolean active, int limit) {
        Path dir = opsHome.resolve("runs");
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> journals;
        try (Stream<Path> files = Files.list(dir)) {
            // run ids start with their start time, so the newest sort last
            journals = files.filter(f -> f.getFileName().toString().endsWith(".jsonl"))
                    .sorted(Comparator.comparing((Path f) -> f.getFileName().toString()).reversed()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Instant now = Instant.now();
        List<RunRecord> runs = new ArrayList<>();
        for (Path journal : journals) {
            if (runs.size() >= limit) break;
            RunRecord run = read(journal, now);
            if (run == null || !environment.equals(run.environment())) continue;
            if (since != null && run.started().isBefore(since)) continue;
            if (active && !run.live(now)) continue;
            runs.add(run);
        }
        runs.sort(Comparator.comparing(RunRecord::started).reversed());
        return runs;
    }

    @Override
    public Optional<RunRecord> find(String runId) {
        Path journal = opsHome.resolve("runs").resolve(runId + ".jsonl");
        return Files.isRegularFile(journal) ? Optional.ofNullable(read(journal, Instant.now())) : Optional.empty();
    }

    @Override
    public void claimResume(String runId, String successor, String operator, String host, String home) {
        // on one machine the run's lock and the resumed-by line of its journal do this
    }

    @Override
    public void requireResumable(String runId, String host, String home) {
        // on one machine the run's lock says it
    }

    @Override
    public void putJournal(String runId, byte[] content) {
        // the journal is on this machine already
    }

    @Override
    public Optional<byte[]> journal(String runId) {
        Path journal = opsHome.resolve("runs").resolve(runId + ".jsonl");
        try {
            return Files.isRegularFile(journal) ? Optional.of(Files.readAllBytes(journal)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The record a journal tells, or null when it has no readable run-started line. */
    private RunRecord read(Path journal, Instant now) {
        List<String> lines;
        try {
            lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        JsonNode start = null;
        String state = RunRecord.RUNNING;
        String step = null;
        String resumedBy = null;
        String resumedByOperator = null;
        Instant last = null;
        Instant finished = null;
        Integer exitCode = null;
        for (String line : lines) {
            JsonNode e;
            try {
                e = Json.mapper().readTree(line);
            } catch (IOException | RuntimeException torn) {
                continue; // a torn last line of a killed run
            }
            if (e == null || !e.isObject()) continue;
            String event = e.path("event").asText();
            Instant time = e.hasNonNull("time") ? Instant.parse(e.get("time").asText()) : last;
            if (!"resumed-by".equals(event)) last = time;
            switch (event) {
                case "run-started" -> start = start == null ? e : start;
                case "step-started", "step-skipped" -> step = stepOf(e);
                case "run-finished", "run-interrupted" -> {
                    state = e.path("outcome").asText(RunRecord.FAILED);
                    finished = time;
                    exitCode = e.hasNonNull("exitCode") ? e.get("exitCode").asInt() : null;
                    if (e.hasNonNull("title")) step = stepOf(e);
                }
                case "resumed-by" -> {
                    resumedBy = e.path("resumedBy").asText(null);
                    resumedByOperator = e.path("operator").asText(null);
                }
                default -> {
                }
            }
        }
        if (start == null || !start.hasNonNull("time")) return null;
        String runId = start.path("runId").asText(journal.getFileName().toString().replaceFirst("\\.jsonl$", ""));
        Instant heartbeat = null;
        Duration every = null;
        if (RunRecord.RUNNING.equals(state)) {
            boolean going = lockHeld(runId);
            heartbeat = going ? now : last;
            every = going ? RunRecord.DEFAULT_HEARTBEAT : GONE;
        }
        String operator = start.hasNonNull("identity") ? start.get("identity").asText() : start.path("operator").asText(null);
        return new RunRecord(runId, start.path("environment").asText(null), start.path("runbook").asText(null), operator,
                start.path("host").asText(null), opsHome.toString(), Instant.parse(start.get("time").asText()), state, step,
                heartbeat, every, finished, start.path("resumedFrom").asText(null), resumedBy, resumedByOperator, exitCode);
    }

    private static String stepOf(JsonNode e) {
        return e.hasNonNull("step") ? e.get("step").asInt() + ". " + e.path("title").asText() : e.path("title").asText(null);
    }

    /** True while a process holds the run's lock: it runs or resumes it now. */
    private boolean lockHeld(String runId) {
        Path lock = opsHome.resolve("locks").resolve("run-" + runId + ".lock");
        if (!Files.exists(lock)) return false;
        try (LockFile taken = LockFile.tryTake(lock, "ops runs, looking, pid " + ProcessHandle.current().pid() + "\n")) {
            return taken == null;
        } catch (IOException e) {
            return false;
        }
    }
}
