package io.discordination.ops.rds;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SandboxExtension.class)
class RdsInstanceTest {

    private static List<String> instances(SandboxInfo info) {
        try (RdsClient rds = SandboxAws.client(info, RdsClient.builder())) {
            return rds.describeDBInstances().dbInstances().stream().map(DBInstance::dbInstanceIdentifier).toList();
        }
    }

    private static List<String> snapshotIds(SandboxInfo info) {
        try (RdsClient rds = SandboxAws.client(info, RdsClient.builder())) {
            return rds.describeDBSnapshots(b -> b.dbInstanceIdentifier(SeedData.DB_INSTANCE)).dbSnapshots().stream()
                    .map(DBSnapshot::dbSnapshotIdentifier).toList();
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void status_whenSeeded_describesTheInstance(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            RdsInstanceStatus status = ops.rds().status();
            assertThat(status.instance()).isEqualTo(SeedData.DB_INSTANCE);
            assertThat(status.status()).isEqualTo("available");
            assertThat(status.engine()).isEqualTo("postgres");
            assertThat(status.toString()).contains("discordination-prod").contains("available");
        }
    }

    @Test
    void snapshots_whenSeeded_listsThemNewestFirst(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            RdsSnapshots snapshots = ops.rds().snapshots();
            assertThat(snapshots.snapshots()).extracting(RdsSnapshot::snapshotId).containsExactlyInAnyOrderElementsOf(snapshotIds(info));
            assertThat(snapshots.snapshots()).extracting(RdsSnapshot::createdAt)
                    .isSortedAccordingTo(java.util.Comparator.reverseOrder());
            assertThat(snapshots.snapshots().stream().filter(s -> s.snapshotId().startsWith("manual-")).count()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void snapshot_whenDefaultName_createsManualTimestampedSnapshot(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            RdsSnapshotCreation creation = ops.rds().snapshot();
            assertThat(creation.snapshotId()).matches("manual-\\d{8}-\\d{6}");
            Awaited<RdsSnapshot> available = creation.awaitAvailable(Duration.ofMinutes(2));
            assertThat(available.result().isAvailable()).isTrue();
            assertThat(snapshotIds(info)).contains(creation.snapshotId());
            assertThat(ops.gate().audit().read().get(0).effect().inverse())
                    .isEqualTo("aws rds delete-db-snapshot --db-snapshot-identifier " + creation.snapshotId());
        }
    }

    @Test
    void snapshot_whenIdentifierInvalid_failsBeforeAnyChange(SandboxInfo info, @TempDir Path home) {
        List<String> before = snapshotIds(info);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.rds().snapshot("manual_2024")).isInstanceOf(OpsException.InvalidInputException.class);
            assertThatThrownBy(() -> ops.rds().snapshot("bad--name")).isInstanceOf(OpsException.InvalidInputException.class);
        }
        assertThat(snapshotIds(info)).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void restore_whenTargetIsNew_createsTheInstanceWithTheClass(SandboxInfo info, @TempDir Path home) {
        String target = unique("restore");
        try (OpsContext ops = SandboxAws.context(info, home)) {
            String snapshot = ops.rds().snapshots().latest().snapshotId();
            RdsRestoration restoration = ops.rds().restore(snapshot).as(target).instanceClass("db.t4g.medium").start();
            Awaited<RdsInstanceStatus> available = restoration.awaitAvailable(Duration.ofMinutes(5));
            assertThat(available.result().instance()).isEqualTo(target);
        }
        try (RdsClient rds = SandboxAws.client(info, RdsClient.builder())) {
            DBInstance created = rds.describeDBInstances(b -> b.dbInstanceIdentifier(target)).dbInstances().get(0);
            assertThat(created.dbInstanceClass()).isEqualTo("db.t4g.medium");
            rds.deleteDBInstance(b -> b.dbInstanceIdentifier(target).skipFinalSnapshot(true));
        }
    }

    @Test
    void restore_whenTargetExists_isRefusedBeforeAnyCall(SandboxInfo info, @TempDir Path home) {
        List<String> before = instances(info);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            String snapshot = ops.rds().snapshots().latest().snapshotId();
            assertThatThrownBy(() -> ops.rds().restore(snapshot).as(SeedData.DB_INSTANCE).start())
                    .isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("Refusing to restore onto discordination-prod")
                    .hasMessageContaining("already exists");
            assertThat(ops.gate().audit().read()).isEmpty();
        }
        assertThat(instances(info)).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void restore_whenSnapshotMissing_isNotFound(SandboxInfo info, @TempDir Path home) {
        List<String> before = instances(info);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.rds().restore("manual-19990101-000000").as(unique("restore")).start())
                    .isInstanceOf(OpsException.NotFoundException.class).hasMessageContaining("No DB snapshot manual-19990101-000000");
        }
        assertThat(instances(info)).containsExactlyInAnyOrderElementsOf(before);
    }

    @Test
    void restore_whenDryRun_plansTheCommandAndCreatesNothing(SandboxInfo info, @TempDir Path home) {
        List<String> before = instances(info);
        String target = unique("restore");
        try (OpsContext ops = SandboxAws.dryRunContext(info, home)) {
            String snapshot = ops.rds().snapshots().latest().snapshotId();
            RdsRestoration planned = ops.rds().restore(snapshot).as(target).start();
            assertThat(planned.planned()).isTrue();
            assertThat(ops.plan().effects()).singleElement().satisfies(e -> assertThat(e.command()).isEqualTo(
                    "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier " + target
                            + " --db-snapshot-identifier " + snapshot + " --db-instance-class db.r6g.large"));
        }
        assertThat(instances(info)).containsExactlyInAnyOrderElementsOf(before);
    }
}
