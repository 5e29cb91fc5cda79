package io.discordination.ops.runbook;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.registry.Fence;
import io.discordination.ops.registry.RunHistory;
import io.discordination.ops.registry.RunRecord;
import io.discordination.ops.text.Durations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Keeps the team's view of a run current while it goes on: after each journal line, its record in
 * the {@link RunHistory} (state, current step) and a copy of the whole journal where other machines
 * read it, written on a background thread so the run never waits for the registry; a heartbeat
 * every {@link #heartbeatInterval()} while the process lives. The run's end (or interruption) is
 * written before the command exits.
 * <p>
 * The registry being unreachable never fails a run: the operator is told once, the journal stays
 * on disk, and since every write sends the whole record and journal, the next one catches up. When
 * the last one fails too, {@code OPS_HOME/runs/<run-id>.unsent} marks the run, and the next run or
 * {@code ops runs} of the environment sends it ({@link #sendUnsent}).
 *
 * <pre>{@code journal.observe(RunRecorder.start(context, journal, fence, listener::warning)::journaled);}</pre>
 */
public final class RunRecorder {
    /** The heartbeat interval: {@code OPS_RUN_HEARTBEAT} (a duration, {@code 15s}) or the system property {@code ops.run.heartbeat}. */
    public static Duration heartbeatInterval() {
        String configured = System.getProperty("ops.run.heartbeat", System.getenv("OPS_RUN_HEARTBEAT"));
        return configured == null || configured.isBlank() ? RunRecord.DEFAULT_HEARTBEAT : Durations.parse(configured);
    }

    /** How long the end of a run may wait for the registry before the command exits anyway (and marks it unsent). */
    private static final Duration FINAL_WAIT = Duration.ofSeconds(20);

    private final RunHistory history;
    private final Journal journal;
    private final Fence fence;
    private final Consumer<String> warn;
    private final Path opsHome;
    private final String where;
    private final ExecutorService writer;
    private final ScheduledExecutorService heartbeat;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile RunRecord record;
    /** A write failed since the last that worked: the next one sends everything again. */
    private volatile boolean behind;
    /** Someone resumed this run meanwhile, or it lost a lease: its record is not its own to write any more. */
    private volatile boolean stopped;
    private volatile boolean ended;

    private RunRecorder(RunHistory history, Journal journal, Fence fence, Consumer<String> warn, Path opsHome, String where) {
        this.history = history;
        this.journal = journal;
        this.fence = fence;
        this.warn = warn;
        this.opsHome = opsHome;
        this.where = where;
        this.writer = Executors.newSingleThreadExecutor(daemon("ops-run-record"));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(daemon("ops-run-heartbeat"));
    }

    /**
     * A recorder for the run of {@code context} that writes {@code journal}, or null when the
     * environment has no registry (its journal is the whole record then). Sends first what earlier
     * runs of the environment left unsent. {@code fence}'s conditions are asked for at each write.
     */
    public static RunRecorder start(OpsContext context, Journal journal, Fence fence, Consumer<String> warn) {
        RunHistory history = context.registry().runs();
        if (!history.central()) return null;
        sendUnsent(history, context.opsHome(), context.environment().name(), warn);
        return new RunRecorder(history, journal, fence, warn, context.opsHome(), context.registry().describe());
    }

    /** The host name this machine's runs record. */
    public static String host() {
        return io.discordination.ops.registry.Host.name();
    }

    /** Called after each journal line is on disk. */
    public void journaled(JournalEvent event) {
        if (event instanceof JournalEvent.RunStarted s) {
            Instant now = Instant.now();
            Duration every = heartbeatInterval();
            record = new RunRecord(s.runId(), s.environment(), s.runbook(), s.identity() != null ? s.identity() : s.operator(),
                    s.host(), opsHome.toString(), s.time(), RunRecord.RUNNING, null, now, every, null, s.resumedFrom(), null, null, null);
            heartbeat.scheduleAtFixedRate(this::beat, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        } else if (record == null) {
            return;
        } else if (event instanceof JournalEvent.StepStarted || event instanceof JournalEvent.StepSkipped) {
            JournalEvent.StepEvent step = (JournalEvent.StepEvent) event;
            record = record.withStep(step.step() + ". " + step.title());
        } else if (event instanceof JournalEvent.RunFinished f) {
            record = record.withState(f.outcome(), record.step(), f.time(), f.exitCode());
            end();
            return;
        } else if (event instanceof JournalEvent.RunInterrupted i) {
            record = record.withState(RunRecord.INTERRUPTED, i.title() == null ? record.step() : i.step() + ". " + i.title(),
                    i.time(), i.exitCode());
            end();
            return;
        }
        if (queued.compareAndSet(false, true)) {
            try {
                writer.execute(() -> {
                    queued.set(false);
                    send();
                });
            } catch (java.util.concurrent.RejectedExecutionException afterEnd) {
                queued.set(false);
            }
        }
    }

    /** Stops the heartbeat and writes the run's end now: the command exits only after it (or after {@link #FINAL_WAIT}). */
    private void end() {
        if (ended) return;
        ended = true;
        heartbeat.shutdownNow();
        writer.shutdown();
        try {
            if (!writer.awaitTermination(FINAL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) writer.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean sent = send();
        // the registry may be back a moment later: try twice more before leaving it to the next command
        for (int attempt = 1; !sent && !stopped && attempt <= 2; attempt++) {
            try {
                Thread.sleep(500L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sent = send();
        }
        if (!sent && !stopped) markUnsent();
    }

    private void beat() {
        if (stopped || ended) return;
        if (behind) {
            send();
            return;
        }
        try {
            handle(history.heartbeat(record.runId(), Instant.now(), fence));
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** Writes the whole record and journal; true when both reached the registry. */
    private synchronized boolean send() {
        if (stopped) return false;
        RunRecord now = record;
        try {
            handle(history.record(now.withHeartbeat(RunRecord.RUNNING.equals(now.state()) ? Instant.now() : null), fence));
            if (stopped) return false;
            history.putJournal(now.runId(), Files.readAllBytes(journal.file()));
            if (behind) warn.accept("the registry is reachable again; run " + now.runId() + " is recorded there up to now");
            behind = false;
            return true;
        } catch (IOException | RuntimeException e) {
            failed(e);
            return false;
        }
    }

    private void handle(RunHistory.Written written) {
        if (written == RunHistory.Written.OK) return;
        stopped = true;
        warn.accept(written == RunHistory.Written.SUPERSEDED
                ? "run " + record.runId() + " was resumed by another operator meanwhile; its record in the registry is theirs now "
                + "and this process no longer writes it (its journal here goes on)"
                : "run " + record.runId() + " no longer holds a lease it took (another run took the target over); "
                + "the registry refused its record");
    }

    private void failed(Exception e) {
        behind = true;
        if (warned.compareAndSet(false, true)) {
            warn.accept("the registry (" + where + ") could not be written: " + RunbookRunner.messageOf(e) + "; the run goes on, "
                    + "its journal is in " + journal.file() + " and is sent again with the next write");
        }
    }

    private void markUnsent() {
        Path marker = unsentMarker(opsHome, record.runId());
        try {
            Files.writeString(marker, record.environment() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the warning below still says it
        }
        warn.accept("the end of run " + record.runId() + " could not be written to the registry; the next run or ops runs of "
                + record.environment() + " sends it (" + marker + ")");
    }

    static Path unsentMarker(Path opsHome, String runId) {
        return Journal.directory(opsHome).resolve(runId + ".unsent");
    }

    /**
     * Sends the records and journals of runs of {@code environment} whose last write failed (each
     * record as its local journal tells it), and removes their marks; a failure leaves them for the next time.
     */
    public static void sendUnsent(RunHistory history, Path opsHome, String environment, Consumer<String> warn) {
        Path dir = Journal.directory(opsHome);
        if (!history.central() || !Files.isDirectory(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path marker : files.filter(f -> f.getFileName().toString().endsWith(".unsent")).toList()) {
                if (!environment.equals(Files.readString(marker).trim())) continue;
                String runId = marker.getFileName().toString().replaceFirst("\\.unsent$", "");
                Optional<RunRecord> told = new io.discordination.ops.registry.LocalRunHistory(opsHome, environment).find(runId);
                if (told.isEmpty()) continue;
                if (history.record(told.get(), Fence.NONE) == RunHistory.Written.OK) {
                    history.putJournal(runId, Files.readAllBytes(Journal.fileOf(opsHome, runId)));
                }
                Files.delete(marker);
                warn.accept("run " + runId + ", whose end had not reached the registry, is recorded there now");
            }
        } catch (IOException | RuntimeException e) {
            // still unreachable: the marks stay, and the run being started says so itself if it cannot write either
        }
    }

    /**
     * The journal of {@code runId} to resume it from: this machine's, or the registry's copy when
     * there is none here or the registry's is longer (this machine fetched it before the run went on
     * elsewhere). Written to this machine's journal folder, where the resume records itself in it.
     * True when it came from the registry.
     */
    public static boolean fetchForResume(RunHistory history, Path opsHome, String runId) {
        Path local = Journal.fileOf(opsHome, runId);
        if (!history.central()) return false;
        Optional<byte[]> shared;
        try {
            shared = history.journal(runId);
        } catch (RuntimeException e) {
            if (Files.isRegularFile(local)) return false;
            throw OpsException.builder("No journal for run " + runId + " on this machine, and the registry's copy cannot be read: "
                    + RunbookRunner.messageOf(e)).hint("check the AWS credentials and the registry: section (ops setup)").cause(e).build();
        }
        if (shared.isEmpty()) return false;
        try {
            byte[] here = Files.isRegularFile(local) ? Files.readAllBytes(local) : null;
            if (here != null && here.length >= shared.get().length) return false;
            Files.createDirectories(local.getParent());
            Path partial = local.resolveSibling(local.getFileName() + ".fetching");
            Files.write(partial, shared.get());
            Files.move(partial, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw OpsException.builder("Cannot write the fetched journal " + local + ": " + e.getMessage())
                    .hint("check that OPS_HOME is writable").cause(e).build();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
