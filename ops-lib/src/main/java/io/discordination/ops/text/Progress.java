package io.discordination.ops.text;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows how far long work has come: a bar redrawn in place on a terminal, a line every few
 * seconds otherwise (CI logs, pipes), nothing when quiet. With a known total it shows the time
 * left at the rate so far (ETA). Thread-safe; {@link #close()} prints the
 * final count.
 *
 * <pre>{@code try (Progress p = context.progress("Deleting api:cache:*", -1)) { p.advance(500); }}</pre>
 */
public final class Progress implements AutoCloseable {
    /** Where progress goes. */
    public enum Style { BAR, LINES, QUIET }

    private static final long LINE_INTERVAL_NANOS = Duration.ofSeconds(2).toNanos();
    private static final long BAR_INTERVAL_NANOS = Duration.ofMillis(100).toNanos();
    private static final int BAR_WIDTH = 30;

    private final String label;
    private final PrintStream out;
    private final Style style;
    private final AtomicLong done = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private volatile long total;
    private volatile String unit = "";
    private long lastPrintNanos;
    private boolean closed;

    public Progress(String label, long total, PrintStream out, Style style) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.style = style;
        this.lastPrintNanos = startNanos;
    }

    public static Progress quiet(String label) {
        return new Progress(label, -1, System.err, Style.QUIET);
    }

    /** {@link Style#BAR} when a terminal is attached, else {@link Style#LINES}. */
    public static Style detectStyle() {
        return System.console() != null ? Style.BAR : Style.LINES;
    }

    public Progress unit(String unit) {
        this.unit = unit == null || unit.isEmpty() ? "" : " " + unit;
        return this;
    }

    /** Sets the total when it becomes known; -1 means unknown. */
    public void total(long total) {
        this.total = total;
    }

    public void advance(long n) {
        long now = done.addAndGet(n);
        maybePrint(now, false);
    }

    /** Sets the absolute count (for work that reports where it is, such as a percentage). */
    public void set(long value) {
        done.set(value);
        maybePrint(value, false);
    }

    public long done() {
        return done.get();
    }

    private synchronized void maybePrint(long now, boolean force) {
        if (style == Style.QUIET || closed) return;
        long t = System.nanoTime();
        long interval = style == Style.BAR ? BAR_INTERVAL_NANOS : LINE_INTERVAL_NANOS;
        if (!force && t - lastPrintNanos < interval) return;
        lastPrintNanos = t;
        long tot = total;
        String elapsed = String.format(Locale.ROOT, "%.1fs", (t - startNanos) / 1e9) + eta(now, tot, t - startNanos);
        if (style == Style.BAR) {
            String bar;
            if (tot > 0) {
                int filled = (int) Math.min(BAR_WIDTH, BAR_WIDTH * now / tot);
                bar = "[" + "#".repeat(filled) + " ".repeat(BAR_WIDTH - filled) + "] "
                        + String.format(Locale.ROOT, "%3d%% ", 100 * now / tot) + now + "/" + tot;
            } else {
                bar = now + "";
            }
            out.print("\r" + label + " " + bar + unit + " " + elapsed + "\u001b[K");
        } else {
            out.println(label + ": " + now + (tot > 0 ? "/" + tot : "") + unit + " (" + elapsed + ")");
        }
        out.flush();
    }

    /**
     * The time left at the rate so far, once there is a rate to go by (half a second and 1% in);
     * empty when the total is unknown or reached.
     */
    static String eta(long now, long total, long elapsedNanos) {
        if (total <= 0 || now <= 0 || now >= total || elapsedNanos < 500_000_000L || now * 100 < total) return "";
        long seconds = Math.round(elapsedNanos / 1e9 * (total - now) / now);
        return seconds < 60 ? ", ETA " + seconds + "s" : String.format(Locale.ROOT, ", ETA %dm%02ds", seconds / 60, seconds % 60);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        maybePrint(done.get(), true);
        if (style == Style.BAR) out.println();
        closed = true;
    }
}
