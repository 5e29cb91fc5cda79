package io.discordination.ops.aws;

import io.discordination.ops.OpsException;

/**
 * Keeps one context's calls to an AWS operation under its account quota (FilterLogEvents: 5
 * requests a second, shared by everyone in the account and region): a token bucket that lets a
 * burst of {@code perSecond} calls through, then one every {@code 1/perSecond} seconds. Paced
 * calls wait here instead of being throttled by AWS. Thread-safe.
 *
 * <pre>{@code RequestPacer filterLogEvents = new RequestPacer(5); filterLogEvents.acquire();}</pre>
 */
public final class RequestPacer {
    private final double perSecond;
    private double tokens;
    private long lastNanos = System.nanoTime();
    private long waitedNanos;

    public RequestPacer(double perSecond) {
        if (perSecond <= 0) throw new IllegalArgumentException("perSecond must be positive");
        this.perSecond = perSecond;
        this.tokens = perSecond;
    }

    /** Waits until one more call fits in the rate. */
    public void acquire() {
        long sleep;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(perSecond, tokens + (now - lastNanos) / 1e9 * perSecond);
            lastNanos = now;
            tokens -= 1;
            sleep = tokens >= 0 ? 0 : (long) (-tokens / perSecond * 1e9);
            waitedNanos += sleep;
        }
        if (sleep > 0) {
            try {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw OpsException.builder("Interrupted while pacing AWS calls").cause(e).build();
            }
        }
    }

    /** How long calls have waited here so far, in milliseconds. */
    public synchronized long waitedMillis() {
        return waitedNanos / 1_000_000;
    }
}
