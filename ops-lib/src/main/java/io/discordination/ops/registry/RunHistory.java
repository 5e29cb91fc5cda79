package io.discordination.ops.registry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The runs of an environment, every operator's: what {@code ops runs} lists, where a run records
 * its progress and its journal, and what lets another operator on another machine resume it once.
 * In the registry's DynamoDB table and S3 prefix ({@link DynamoRunHistory}) when the environment has
 * a {@code registry:} section, else derived from the journals under {@code OPS_HOME/runs} of this
 * machine ({@link LocalRunHistory}), where the run's own lock file says whether it still goes on.
 *
 * <pre>{@code for (RunRecord run : context.registry().runs().list(Instant.now().minus(Duration.ofHours(1)), false, 50)) ...}</pre>
 */
public interface RunHistory {
    /** What a run's write to its own record came to. */
    enum Written {
        OK,
        /** Another operator resumed this run meanwhile: the record is theirs now and was not changed. */
        SUPERSEDED,
        /** The run no longer holds a lease it took ({@link Fence}): nothing was written. */
        FENCED
    }

    /** True when the history is in the registry (shared by every operator), false for this machine's journals. */
    boolean central();

    /**
     * Writes the run's record as it is now (every field, so one write catches up on any that failed
     * before), with the fence's conditions when the run holds leases. Throws when the registry cannot be reached.
     */
    Written record(RunRecord run, Fence fence);

    /** Renews the heartbeat of a run that is going on. Throws when the registry cannot be reached. */
    Written heartbeat(String runId, Instant at, Fence fence);

    /** Runs that started at or after {@code since} (null: any time), newest first, at most {@code limit}; {@code active}: only live ones. */
    List<RunRecord> list(Instant since, boolean active, int limit);

    /** One run's record. */
    Optional<RunRecord> find(String runId);

    /**
     * Claims {@code runId} for {@code successor}, the run that resumes it: a run is resumed once. Refused
     * (exit 3) while the run goes on elsewhere or another resume of it goes on; exit 2 when a resume
     * of it already ended (resume that newer run instead). The caller holds the run's local lock
     * ({@code RunLock}) in {@code home} on {@code host}: when that is where the run ran, its process
     * is gone whatever its heartbeat says, so it may be resumed at once.
     */
    void claimResume(String runId, String successor, String operator, String host, String home);

    /**
     * Refuses, as {@link #claimResume} would and without writing, a resume of {@code runId} that
     * cannot be claimed: checked before its journal is read, so that a resume going on elsewhere is
     * named as such (exit 3) even when the journal's copy already says who resumes it.
     */
    void requireResumable(String runId, String host, String home);

    /** Stores the whole journal of {@code runId} where other machines can read it. Throws when it cannot. */
    void putJournal(String runId, byte[] content);

    /** The journal of {@code runId} as stored by {@link #putJournal} (or this machine's, locally), if there is one. */
    Optional<byte[]> journal(String runId);
}
