package io.discordination.ops.rds;

import io.discordination.ops.text.Table;

import java.util.List;

/**
 * The snapshots of one DB instance, newest first.
 *
 * <pre>{@code rds().snapshots().latest();}</pre>
 */
public record RdsSnapshots(String instance, List<RdsSnapshot> snapshots) {

    /** The newest available snapshot, or null. */
    public RdsSnapshot latest() {
        return snapshots.stream().filter(RdsSnapshot::isAvailable).findFirst().orElse(null);
    }

    public int size() {
        return snapshots.size();
    }

    @Override
    public String toString() {
        Table t = Table.with("SNAPSHOT", "CREATED", "STATUS", "TYPE", "STORAGE");
        snapshots.forEach(s -> t.row(s.snapshotId(), s.createdAt(), s.status(), s.type(),
                s.allocatedStorageGb() == null ? null : s.allocatedStorageGb() + " GiB"));
        return "snapshots of " + instance + " (" + snapshots.size() + ")\n" + t;
    }
}
