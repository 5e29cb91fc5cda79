package io.discordination.ops.registry;

import io.discordination.ops.text.Durations;

import java.time.Duration;
import java.time.Instant;

/**
 * One lease on a target a run changes ({@code secret:discordination/jwt-secret}): who holds it (the AWS
 * caller identity, or the OS user without a registry), on which host, for which run of which runbook,
 * since when, until when ({@code expiresAt}, epoch milliseconds; 0 once released or broken, and
 * {@link Long#MAX_VALUE} for a local lease, which lasts as long as its process), and its fencing
 * token, which only grows: each run that takes the target over gets a higher one.
 *
 * <pre>{@code if (lease.activeAt(System.currentTimeMillis())) err.println("held by " + lease.describe());}</pre>
 *
 * @param target      the lease target, {@code <system>:<target>} of the effect ({@link LeaseTargets})
 * @param environment the environment's name
 * @param holder      the AWS caller identity ARN (or the OS user without a registry)
 * @param host        the host name of the holder's machine
 * @param runId       the run that holds or last held it
 * @param runbook     that run's runbook ({@code repl} or the command for work outside a runbook)
 * @param since       when that run took it
 * @param expiresAt   epoch ms until which it holds unless renewed; 0 released
 * @param token       the fencing token
 * @param pid         the holder's process id where known (local leases), else 0
 */
public record Lease(String target, String environment, String holder, String host, String runId, String runbook,
                    Instant since, long expiresAt, long token, long pid) {

    /** Whether the lease still holds at {@code nowMs}: not released, not expired (a local one: its process lives). */
    public boolean activeAt(long nowMs) {
        if (expiresAt == Long.MAX_VALUE) return pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        return expiresAt > nowMs;
    }

    /** Whether it was let go by its run (or broken): its item is kept, with expiresAt 0. */
    public boolean released() {
        return expiresAt == 0;
    }

    /** The holder in one line: who, since when, runbook, host, run id, as a refusal names them. */
    public String describe() {
        return (holder == null ? "?" : holder) + " since " + since + " (runbook " + (runbook == null ? "?" : runbook)
                + " on host " + (host == null ? "?" : host) + ", run " + runId + ")";
    }

    /** What {@code ops leases} shows in its last column: {@code expires in 42 s}, {@code expired 3 min ago}, {@code released}. */
    public String expiryText(long nowMs) {
        if (released()) return "released";
        if (expiresAt == Long.MAX_VALUE) return activeAt(nowMs) ? "while process " + pid + " lives" : "expired (process " + pid + " is gone)";
        long left = expiresAt - nowMs;
        return left > 0 ? "expires in " + Durations.format(Duration.ofMillis(Math.max(1000, left)))
                : "expired " + Durations.format(Duration.ofMillis(Math.max(1000, -left))) + " ago";
    }
}
