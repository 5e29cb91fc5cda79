package io.discordination.ops.s3;

import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Table;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How many objects a bucket holds and how many bytes, from one of two sources:
 * <ul>
 *   <li>{@code metrics}: S3's daily CloudWatch storage metrics ({@code AWS/S3}
 *   {@code BucketSizeBytes} per storage type, {@code NumberOfObjects} for all storage types), as of
 *   {@code asOf} (S3 publishes them once a day, for the day before). They count every version:
 *   current and noncurrent versions and delete markers together. They do not say how much of it
 *   is current and how much noncurrent (that split is not a CloudWatch metric), so
 *   {@code currentObjects} ... {@code deleteMarkers} are null.</li>
 *   <li>{@code exact listing}: every version listed now ({@code ListObjectVersions}), with the
 *   current/noncurrent split and the delete markers counted.</li>
 * </ul>
 * {@code calls} is how many AWS calls it took.
 *
 * <pre>{@code bucket().usage().totalBytes();  bucket().exactUsage().noncurrentBytes();}</pre>
 */
public record BucketUsage(String bucket, String prefix, String source, Instant asOf, long totalObjects, long totalBytes,
                          Map<String, Long> bytesByStorageType, Long currentObjects, Long currentBytes,
                          Long noncurrentVersions, Long noncurrentBytes, Long deleteMarkers, long calls, Duration elapsed) {
    public static final String METRICS = "metrics";
    public static final String EXACT = "exact listing";

    public BucketUsage {
        bytesByStorageType = bytesByStorageType == null ? Map.of() : Map.copyOf(bytesByStorageType);
    }

    /** {@code 1.5 GiB}. */
    public String humanSize() {
        return humanBytes(totalBytes);
    }

    public boolean exact() {
        return EXACT.equals(source);
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
        List<Object> f = new ArrayList<>(List.of("bucket", "s3://" + bucket + "/" + (prefix == null ? "" : prefix)));
        if (exact()) {
            f.addAll(List.of("Total Objects", currentObjects + " current",
                    "Total Size", currentBytes + " (" + humanBytes(currentBytes) + ") current",
                    "noncurrent versions", noncurrentVersions + " (" + noncurrentBytes + " bytes, " + humanBytes(noncurrentBytes) + ")",
                    "delete markers", deleteMarkers,
                    "every version", totalObjects + " objects and markers, " + totalBytes + " bytes (" + humanSize() + ")",
                    "source", "exact listing (ListObjectVersions), " + calls + " calls in " + Durations.format(elapsed)));
        } else {
            f.addAll(List.of("Total Objects", totalObjects + " (every version and delete marker)",
                    "Total Size", totalBytes + " (" + humanSize() + ", every version)"));
            bytesByStorageType.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> f.addAll(List.of("  " + e.getKey(), e.getValue() + " (" + humanBytes(e.getValue()) + ")")));
            f.addAll(List.of("as of", asOf == null ? "no datapoint in the last days" : asOf + " (S3's daily storage metrics)",
                    "current / noncurrent", "not in the metrics; exact=true lists every version to count them",
                    "source", "CloudWatch AWS/S3 BucketSizeBytes, NumberOfObjects, " + calls + " calls"));
        }
        return Table.fields(f.toArray());
    }
}
