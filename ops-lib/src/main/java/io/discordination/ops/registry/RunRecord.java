package io.discordination.ops.registry;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * One run as the team sees it: who runs which runbook where, since when, in which step, and how it
 * ended. A run that is going on renews its {@code heartbeat} every {@code heartbeatEvery}; one whose
 * heartbeat is older than {@link #STALE_AFTER} intervals still says {@code running} but is shown as
 * stale ({@link #shownState}): its process was killed, its machine died or it lost the network.
 *
 * <pre>{@code if (run.live(Instant.now())) err.println("in progress on " + run.host());}</pre>
 *
 * @param runId          the run id ({@code 20250101-120000-a1b2})
 * @param environment    the environment's name
 * @param runbook        the runbook's name
 * @param operator       who runs it: the AWS caller identity (an ARN), or the OS user without a registry
 * @param host           the machine it runs on
 * @param home           the OPS_HOME it runs in (with {@code host}: where its local lock and journal are)
 * @param started        when it started
 * @param state          {@code running}, {@code ok}, {@code failed}, {@code refused} or {@code interrupted}
 * @param step           the step it is in or ended in ({@code 2. Restore the snapshot}), or null
 * @param heartbeat      when it last said it is alive, or null
 * @param heartbeatEvery how often it says so
 * @param finished       when it ended, or null
 * @param resumedFrom    the run it resumes, or null
 * @param resumedBy      the run that resumed it, or null
 * @param resumedByOperator who resumed it, or null
 * @param exitCode       its exit code once it ended, or null
 */
public record RunRecord(String runId, String environment, String runbook, String operator, String host, String home,
                        Instant started, String state, String step, Instant heartbeat, Duration heartbeatEvery,
                        Instant finished, String resumedFrom, String resumedBy, String resumedByOperator, Integer exitCode) {
    public static final String RUNNING = "running";
    public static final String OK = "ok";
    public static final String FAILED = "failed";
    public static final String REFUSED = "refused";
    public static final String INTERRUPTED = "interrupted";

    /** A run whose heartbeat is older than this many intervals is stale. */
    public static final int STALE_AFTER = 2;

    /** How often a run renews its heartbeat unless told otherwise ({@code OPS_RUN_HEARTBEAT}). */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * An instant as the registry's {@code at} sort key: ISO-8601 in UTC with milliseconds, always
     * the same length, so that text order is time order ({@link Instant#toString} drops zero fractions).
     */
    public static String sortable(Instant instant) {
        return AT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** True while the run says it is going on and its heartbeat is fresh. */
    public boolean live(Instant now) {
        return RUNNING.equals(state) && !stale(now);
    }

    /** True when the run says it is going on but its heartbeat stopped. */
    public boolean stale(Instant now) {
        if (!RUNNING.equals(state) || heartbeat == null) return false;
        Duration every = heartbeatEvery == null || heartbeatEvery.isZero() ? DEFAULT_HEARTBEAT : heartbeatEvery;
        return heartbeat.plus(every.multipliedBy(STALE_AFTER)).isBefore(now);
    }

    /**
     * The state as a person should read it: {@code stale (no heartbeat since 2025-01-01T12:00:05Z)}
     * for a running run whose heartbeat stopped, and who resumed it when one did.
     */
    public String shownState(Instant now) {
        String shown = stale(now) ? "stale (no heartbeat since " + heartbeat.truncatedTo(ChronoUnit.SECONDS) + ")" : state;
        return resumedBy == null ? shown : shown + ", resumed by " + resumedBy;
    }

    public RunRecord withState(String state, String step, Instant finished, Integer exitCode) {
        return new RunRecord(runId, environment, runbook, operator, host, home, started, state, step, heartbeat, heartbeatEvery,
                finished, resumedFrom, resumedBy, resumedByOperator, exitCode);
    }

    public RunRecord withStep(String step) {
        return withState(state, step, finished, exitCode);
    }

    public RunRecord withHeartbeat(Instant heartbeat) {
        return new RunRecord(runId, environment, runbook, operator, host, home, started, state, step, heartbeat, heartbeatEvery,
                finished, resumedFrom, resumedBy, resumedByOperator, exitCode);
    }

    public RunRecord withResumedBy(String resumedBy, String resumedByOperator) {
        return new RunRecord(runId, environment, runbook, operator, host, home, started, state, step, heartbeat, heartbeatEvery,
                finished, resumedFrom, resumedBy, resumedByOperator, exitCode);
    }
}
