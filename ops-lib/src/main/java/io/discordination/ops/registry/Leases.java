package io.discordination.ops.registry;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the leases of one environment live: the registry table ({@link DynamoLeases}) when the
 * environment has a {@code registry:} section, else per-target lock files under {@code OPS_HOME}
 * ({@link LocalLeases}), which serve one machine. A run holds its leases through {@link RunLeases};
 * this is the store itself, also what {@code ops leases} lists and breaks.
 *
 * <pre>{@code
 * Lease held = leases.take("secret:discordination/jwt-secret", claim, System.currentTimeMillis() + 60_000);
 * }</pre>
 */
public interface Leases {
    /** Who takes a lease: the caller identity, the host, the run, its runbook, the process. */
    record Claim(String holder, String host, String runId, String runbook, long pid) {
    }

    /** Thrown by {@link #take} when another run holds an unexpired lease of the target; {@link #holder} names it. */
    final class Busy extends RuntimeException {
        private final transient Lease holder;

        public Busy(Lease holder) {
            super("held by " + (holder == null ? "another run" : holder.describe()), null, false, false);
            this.holder = holder;
        }

        /** The lease that holds the target; null when it could not be read. */
        public Lease holder() {
            return holder;
        }
    }

    /**
     * Takes {@code target} for {@code claim} until {@code expiresAtMs}: one conditional write that
     * succeeds only when no unexpired lease of another run exists. A takeover gets a higher token.
     *
     * @throws Busy when another run holds it
     */
    Lease take(String target, Claim claim, long expiresAtMs);

    /** Extends a lease this run holds to {@code expiresAtMs}; false when it is no longer this run's with this token. */
    boolean renew(Lease held, long expiresAtMs);

    /** Lets go of a lease this run holds (its item is kept, expiresAt 0); does nothing when it is no longer this run's. */
    void release(Lease held);

    /** The lease of {@code target} as stored now (held, expired or released), if it ever existed. */
    Optional<Lease> find(String target);

    /** The leases of {@code targets} that exist, by target: what a plan shows. */
    Map<String, Lease> find(Collection<String> targets);

    /** Every lease of the environment, held or not, sorted by target. */
    List<Lease> list();

    /**
     * Ends the lease of {@code target} whoever holds it, so that the next run takes it over with a
     * higher token and its holder's next effect is refused. Returns the lease as it was; empty when
     * {@code target} has no lease.
     */
    Optional<Lease> breakLease(String target);

    /** The condition checks that prove {@code held} are still this run's (empty without a registry table). */
    Fence fence(Collection<Lease> held);

    /** True when leases expire unless renewed (the table); false when they last as long as their process (lock files). */
    boolean expires();

    /** Where they live, for messages: {@code DynamoDB table discordination-ops} or the lock folder. */
    String describe();
}
