package io.discordination.ops.registry;

import io.discordination.ops.OpsException;
import io.discordination.ops.text.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The leases one run holds: it takes the lease of each target before the first effect on it (one
 * conditional write per new target, nothing more per effect) and keeps it until the run ends
 * ({@link #close}), so no other run slips in between two of its effects on one target. While it
 * holds any, a daemon heartbeat renews them every quarter of the expiry; a renewal that finds the
 * lease taken over or broken, or that could not be made before the lease expired, marks it lost,
 * and the run's next effect is refused ({@link #requireHeld}) rather than performed. As a
 * {@link Fence}, it gives the condition checks of every lease held now.
 * <p>
 * A target another run holds is refused at once, naming the holder, or with {@link #waitUpTo}
 * waited for, with a line now and then saying on whom.
 *
 * <pre>{@code
 * leases.take("secret:discordination/jwt-secret", "rotate-secret secret discordination/jwt-secret");
 * leases.requireHeld("rotate-secret secret discordination/jwt-secret");
 * }</pre>
 */
public final class RunLeases implements Fence, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLeases.class);
    /** Overrides the expiry of new leases (a duration: {@code 3s}); tests use it to wait seconds, not a minute. */
    public static final String EXPIRY_PROPERTY = "ops.lease.expiry";
    public static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(60);
    /** How often a waiting run says again that it waits. */
    private static final long WAITING_LINE_MS = 10_000;

    private final Supplier<Leases> store;
    private final Supplier<String> holder;
    private final String environment;
    private final String runId;
    private final Duration expiry;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private volatile String runbook;
    private volatile Duration wait;
    private volatile Consumer<String> waitingOut;
    private volatile String lost;
    /** Where a lease goes when the registry cannot be reached (this machine's lock files); null: such an effect is refused. */
    private volatile Supplier<Leases> fallback;
    private volatile Consumer<String> notices = line -> { };
    private ScheduledExecutorService heartbeat;
    /** Releases the leases held when the JVM exits before {@link #close} (SIGINT, SIGTERM, SIGHUP); null while none is held. */
    private Thread exitHook;
    /** Set once that hook ran: the process is on its way out and takes no lease and performs no effect more. */
    private volatile boolean exiting;
    /** How long the exit hook waits for the registry before it leaves the leases to expire. */
    private static final long EXIT_RELEASE_MS = 3_000;

    /** A lease held, and until when it is known to hold. */
    private static final class Held {
        final Lease lease;
        /** Where it is held: the registry's store, or this machine's when the registry could not be reached. */
        final Leases store;
        volatile long expiresAt;

        Held(Lease lease, Leases store) {
            this.lease = lease;
            this.store = store;
            this.expiresAt = lease.expiresAt();
        }
    }

    /**
     * The leases of run {@code runId} in {@code environment}, kept in {@code store} (made on the first
     * take), held by {@code holder} (the AWS caller identity; looked up on the first take).
     */
    public RunLeases(Supplier<Leases> store, Supplier<String> holder, String environment, String runId, Duration expiry) {
        this.store = store;
        this.holder = holder;
        this.environment = environment;
        this.runId = runId;
        this.expiry = expiry;
        this.runbook = "ops";
    }

    /** The expiry of new leases: {@value #EXPIRY_PROPERTY} when set, else a minute. */
    public static Duration configuredExpiry() {
        String set = System.getProperty(EXPIRY_PROPERTY);
        return set == null || set.isBlank() ? DEFAULT_EXPIRY : Durations.parse(set);
    }

    /**
     * When the registry cannot be reached for a lease, take this machine's ({@code fallback}) instead
     * and say so through {@code notices}; without it (an environment that requires the central trail)
     * such an effect is refused.
     */
    public void fallBackTo(Supplier<Leases> fallback, Consumer<String> notices) {
        this.fallback = fallback;
        this.notices = notices;
    }

    /** Names the runbook the run runs, for whoever finds its leases. */
    public void runbook(String name) {
        this.runbook = name;
    }

    /** Makes {@link #take} wait up to {@code wait} for a target another run holds, saying so in lines to {@code out}. */
    public void waitUpTo(Duration wait, Consumer<String> out) {
        this.wait = wait;
        this.waitingOut = out;
    }

    public String runId() {
        return runId;
    }

    /** The leases held now. */
    public List<Lease> held() {
        return held.values().stream().map(h -> h.lease).toList();
    }

    /**
     * Takes the lease of {@code target} for the effect {@code what} unless this run holds it already.
     *
     * @throws OpsException.RefusedException when another run holds it (after waiting, if told to wait)
     */
    public Lease take(String target, String what) {
        if (exiting) throw exitingRefusal(what);
        Held mine = held.get(target);
        if (mine != null) return mine.lease;
        try {
            return take(store.get(), target, what);
        } catch (Leases.Busy | OpsException e) {
            throw e;
        } catch (RuntimeException unreachable) {
            Supplier<Leases> local = fallback;
            if (local == null || !store.get().expires()) {
                throw OpsException.builder("Refused: " + what + ": the lease of " + target + " cannot be taken: "
                                + unreachable.getMessage()).environment(environment)
                        .hint("nothing was changed; check the registry (ops setup --env " + environment + ") and run again").refused();
            }
            notices.accept("the registry cannot be reached for the lease of " + target + " (" + unreachable.getMessage()
                    + "); this machine's lock holds it instead, other machines do not see it");
            return take(local.get(), target, what);
        }
    }

    private Lease take(Leases leases, String target, String what) {
        Leases.Claim claim = new Leases.Claim(holder.get(), Host.name(), runId, runbook, ProcessHandle.current().pid());
        long started = System.currentTimeMillis();
        Duration waitFor = wait;
        long deadline = waitFor == null ? started : started + waitFor.toMillis();
        long nextLine = started;
        long pause = 100;
        String lastHolder = null;
        while (true) {
            long now = System.currentTimeMillis();
            try {
                Lease lease = leases.take(target, claim, now + expiry.toMillis());
                if (lastHolder != null && waitingOut != null) {
                    waitingOut.accept("ops: " + target + " is free after " + Durations.format(Duration.ofMillis(Math.max(1, now - started)))
                            + "; going on with " + what);
                }
                synchronized (this) {
                    held.put(target, new Held(lease, leases));
                    if (leases.expires()) startHeartbeat(leases);
                    releaseOnExit();
                }
                if (exiting) {
                    // the exit hook ran while this was taken: let it go again rather than hold it to its expiry
                    Held taken = held.remove(target);
                    if (taken != null) release(List.of(taken));
                    throw exitingRefusal(what);
                }
                return lease;
            } catch (Leases.Busy busy) {
                Lease by = busy.holder();
                if (now >= deadline) throw refusal(target, what, by, leases, waitFor);
                String who = by == null ? "another run" : by.describe();
                if (waitingOut != null && (now >= nextLine || !who.equals(lastHolder))) {
                    waitingOut.accept("ops: waiting for " + target + ", held by " + who + "; waited "
                            + Durations.format(Duration.ofSeconds((now - started) / 1000)) + " of " + Durations.format(waitFor));
                    nextLine = now + WAITING_LINE_MS;
                }
                lastHolder = who;
                try {
                    Thread.sleep(Math.min(deadline - now, pause + ThreadLocalRandom.current().nextLong(pause / 2 + 1)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw refusal(target, what, by, leases, null);
                }
                pause = Math.min(300, pause * 2);
            }
        }
    }

    /**
     * Refuses the effect {@code what} when a lease of this run was lost (taken over, broken, or not
     * renewed before it expired: a paused or cut-off process): the run changes nothing more.
     */
    public void requireHeld(String what) {
        if (exiting) throw exitingRefusal(what);
        long now = System.currentTimeMillis();
        for (Held h : held.values()) {
            if (h.expiresAt != Long.MAX_VALUE && now >= h.expiresAt && lost == null) {
                lost = "the lease of " + h.lease.target() + " expired at " + Instant.ofEpochMilli(h.expiresAt)
                        + " before it could be renewed (was this process paused or cut off from AWS?)";
            }
        }
        String why = lost;
        if (why == null) return;
        throw OpsException.builder("Refused: " + what + ": this run lost its lease: " + why)
                .environment(environment)
                .hint("another run may be changing the same target now; check ops leases and ops audit before running again").refused();
    }

    /** One condition check per lease held now (none without a registry table). */
    @Override
    public List<TransactWriteItem> conditions() {
        if (held.isEmpty()) return List.of();
        List<TransactWriteItem> checks = new ArrayList<>();
        for (Held h : held.values()) checks.addAll(h.store.fence(List.of(h.lease)).conditions());
        return checks;
    }

    /**
     * The run ended: stops the heartbeat and lets go of every lease held (their items stay, expired).
     * A later effect of the same context takes its lease anew.
     */
    @Override
    public void close() {
        ScheduledExecutorService beat;
        Thread hook;
        synchronized (this) {
            beat = heartbeat;
            heartbeat = null;
            hook = exitHook;
            exitHook = null;
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook releases them, or has
            }
        }
        if (beat != null) beat.shutdownNow();
        if (held.isEmpty()) return;
        // a thread being stopped (a pool shut down around a context) would fail the release call at once and
        // leave the target held until its expiry: release first, then hand the interrupt back
        boolean interrupted = Thread.interrupted();
        try {
            release(new ArrayList<>(held.values()));
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        held.clear();
        lost = null;
    }

    private static void release(List<Held> leases) {
        for (Held h : leases) {
            try {
                h.store.release(h.lease);
            } catch (RuntimeException e) {
                // it expires by itself within the expiry
                LOG.warn("could not release the lease of {}: {}", h.lease.target(), e.getMessage());
            }
        }
    }

    /**
     * While a lease is held, a JVM shutdown hook (Ctrl-C, {@code kill}, a closed terminal) releases it, so the
     * next run need not wait out the expiry; from then on this process takes and uses none. It waits
     * at most {@value #EXIT_RELEASE_MS} ms for the registry, then leaves the rest to expire. A
     * {@code kill -9} runs no hook: its leases expire.
     */
    private void releaseOnExit() {
        if (exitHook != null) return;
        Thread hook = new Thread(() -> {
            exiting = true;
            Thread releasing = new Thread(this::close, "ops-lease-release-" + runId);
            releasing.setDaemon(true);
            releasing.start();
            try {
                releasing.join(EXIT_RELEASE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ops-lease-exit-" + runId);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            exitHook = hook;
        } catch (IllegalStateException shuttingDown) {
            exiting = true;
        }
    }

    private OpsException exitingRefusal(String what) {
        return OpsException.builder("Refused: " + what + ": this process is exiting and has let go of its leases")
                .environment(environment).hint("nothing more is changed by this run; resume it or run it again").refused();
    }

    private void startHeartbeat(Leases leases) {
        if (heartbeat != null) return;
        long period = Math.max(200, expiry.toMillis() / 4);
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ops-lease-heartbeat-" + runId);
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::renewAll, period, period, TimeUnit.MILLISECONDS);
    }

    private void renewAll() {
        for (Held h : held.values()) {
            Leases leases = h.store;
            long now = System.currentTimeMillis();
            long until = now + expiry.toMillis();
            try {
                if (leases.renew(h.lease, until)) {
                    h.expiresAt = until;
                } else if (lost == null) {
                    lost = "the lease of " + h.lease.target() + " was taken over or broken (ops leases shows who holds it now)";
                }
            } catch (RuntimeException e) {
                LOG.debug("renewing the lease of {} failed", h.lease.target(), e);
                if (now >= h.expiresAt && lost == null) {
                    lost = "the lease of " + h.lease.target() + " could not be renewed before it expired: " + e.getMessage();
                }
            }
        }
    }

    private OpsException refusal(String target, String what, Lease by, Leases leases, Duration waited) {
        String who = by == null ? "another run" : by.describe();
        String expiresText = by == null ? "" : !leases.expires() ? "; it ends when that run ends or its process is gone"
                : "; " + by.expiryText(System.currentTimeMillis()) + " unless that run renews it";
        return OpsException.builder("Refused: " + what + ": " + target + " is held by " + who
                        + (waited == null ? "" : ", still, after waiting " + Durations.format(waited))
                        + "; two runs never change one target at once")
                .environment(environment)
                .hint("wait for it with --wait 10m, or check that run (ops leases" + expiresText
                        + (leases.expires() ? "; if it is dead: ops leases break '" + target + "'" : "") + ")")
                .refused();
    }
}
