package io.discordination.ops.s3;

import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Table;

import java.time.Duration;
import java.util.Locale;

/**
 * How many objects a bucket (or a prefix of it) holds and how many bytes, current versions only:
 * the two summary lines of {@code aws s3 ls --recursive --summarize}.
 *
 * <pre>{@code bucket().usage().totalBytes();}</pre>
 */
public record BucketUsage(String bucket, String prefix, long totalObjects, long totalBytes, Duration elapsed) {

    /** {@code 1.5 GiB}. */
    public String humanSize() {
        return humanBytes(totalBytes);
    }

    static String humanBytes(long bytes) {
        String[] units = {"Bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " Bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    @Override
    public String toString() {
        return Table.fields("bucket", "s3://" + bucket + "/" + (prefix == null ? "" : prefix),
                "Total Objects", totalObjects, "Total Size", totalBytes + " (" + humanSize() + ")",
                "listed in", Durations.format(elapsed));
    }
}
