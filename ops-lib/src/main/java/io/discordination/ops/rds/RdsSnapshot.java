package io.discordination.ops.rds;

import io.discordination.ops.text.Table;

import java.time.Instant;

/**
 * One DB snapshot ({@code aws rds describe-db-snapshots}).
 *
 * <pre>{@code rds().snapshots().latest().snapshotId();}</pre>
 */
public record RdsSnapshot(String snapshotId, String instance, String status, String type, Instant createdAt,
                          Integer allocatedStorageGb, String engine, Integer percentProgress) {

    public boolean isAvailable() {
        return "available".equals(status);
    }

    @Override
    public String toString() {
        return Table.fields("snapshot", snapshotId, "instance", instance, "status", status, "type", type,
                "created", createdAt, "storage", allocatedStorageGb == null ? null : allocatedStorageGb + " GiB",
                "progress", percentProgress == null ? null : percentProgress + "%");
    }
}
