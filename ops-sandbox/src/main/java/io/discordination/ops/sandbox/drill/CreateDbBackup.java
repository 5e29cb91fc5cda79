package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * create-db-backup: the backup job stopped. {@code discordination-prod}'s newest snapshot is two
 * days old (the one from three hours ago never happened), so the recovery point is days behind.
 * A manual snapshot, available, ends it.
 *
 * <pre>{@code Scenarios.byName("create-db-backup")}</pre>
 */
public final class CreateDbBackup implements Scenario {
    static final Duration FRESH = Duration.ofDays(1);

    @Override
    public String name() {
        return "create-db-backup";
    }

    @Override
    public String symptoms() {
        return "Backup alert: no snapshot of discordination-prod newer than a day.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) {
        Instant cutoff = Instant.now().minus(FRESH);
        for (DBSnapshot s : snapshots(sandbox)) {
            if (s.snapshotCreateTime() != null && s.snapshotCreateTime().isAfter(cutoff)) {
                sandbox.aws().rds().deleteDBSnapshot(r -> r.dbSnapshotIdentifier(s.dbSnapshotIdentifier()));
            }
        }
    }

    static List<DBSnapshot> snapshots(SandboxAccess sandbox) {
        return sandbox.aws().rds().describeDBSnapshots(r -> r.dbInstanceIdentifier(SeedData.DB_INSTANCE)).dbSnapshots();
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("an available snapshot of " + SeedData.DB_INSTANCE + " is less than a day old", s -> {
            List<DBSnapshot> all = snapshots(s);
            DBSnapshot newest = all.stream().filter(x -> "available".equals(x.status()) && x.snapshotCreateTime() != null)
                    .max(Comparator.comparing(DBSnapshot::snapshotCreateTime)).orElse(null);
            if (newest == null) return Observation.fail("no available snapshot among " + all.size());
            Duration age = Duration.between(newest.snapshotCreateTime(), Instant.now());
            return Observation.of(age.compareTo(FRESH) < 0, "newest available: " + newest.dbSnapshotIdentifier() + ", "
                    + (age.toHours() >= 1 ? age.toHours() + " h" : age.toMinutes() + " min") + " old");
        }));
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO);
    }
}
