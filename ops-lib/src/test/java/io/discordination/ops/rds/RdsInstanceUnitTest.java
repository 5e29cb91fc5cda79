package io.discordination.ops.rds;

import io.discordination.ops.OpsException;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.RecordingGate;
import io.discordination.ops.testing.UnitTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RdsInstance#snapshot} against a stub RDS client and the recording gate: no sandbox. */
@Tag("unit")
class RdsInstanceUnitTest {
    private RdsInstance instance(RecordingGate gate, StubRdsClient rds) {
        return new RdsInstance(UnitTopology.topology().rds(), rds, UnitTopology.context(gate));
    }

    @Test
    void snapshot_whenPlanning_recordsAHarmlessCreateWithItsDeleteAsInverseAndSendsNoCreate() {
        RecordingGate gate = RecordingGate.planning();
        StubRdsClient rds = new StubRdsClient("discordination-unit");

        RdsSnapshotCreation creation = instance(gate, rds).snapshot("manual-20261201-120000");

        Effect effect = gate.only();
        assertThat(effect.target()).isEqualTo("rds instance discordination-unit");
        assertThat(effect.verb()).isEqualTo("create-snapshot");
        assertThat(effect.destructive()).as("it only adds a snapshot").isFalse();
        assertThat(effect.parameters()).containsEntry("instance", "discordination-unit").containsEntry("snapshot", "manual-20261201-120000");
        assertThat(effect.command()).isEqualTo("aws rds create-db-snapshot --db-instance-identifier discordination-unit "
                + "--db-snapshot-identifier manual-20261201-120000");
        assertThat(effect.inverse()).isEqualTo("aws rds delete-db-snapshot --db-snapshot-identifier manual-20261201-120000");
        assertThat(rds.creates).as("a plan sends no CreateDBSnapshot").isEmpty();
        assertThat(creation.planned()).isTrue();
        assertThat(creation.snapshotId()).isEqualTo("manual-20261201-120000");
    }

    @Test
    void snapshot_whenRunning_createsOneSnapshotOfTheInstanceUnderThatName() {
        RecordingGate gate = RecordingGate.running();
        StubRdsClient rds = new StubRdsClient("discordination-unit");

        RdsSnapshotCreation creation = instance(gate, rds).snapshot("manual-20261201-120000");

        assertThat(rds.creates).singleElement().satisfies(request -> {
            assertThat(request.dbInstanceIdentifier()).isEqualTo("discordination-unit");
            assertThat(request.dbSnapshotIdentifier()).isEqualTo("manual-20261201-120000");
        });
        assertThat(creation.planned()).isFalse();
        assertThat(creation.snapshot().status()).isEqualTo("creating");
    }

    @Test
    void snapshot_withoutAName_isNamedManualAndTheUtcTime() {
        RecordingGate gate = RecordingGate.planning();

        instance(gate, new StubRdsClient("discordination-unit")).snapshot();

        assertThat((String) gate.only().parameters().get("snapshot")).matches("manual-\\d{8}-\\d{6}");
    }

    @Test
    void snapshot_whenTheNameIsTaken_failsAsBadInputBeforeAnyEffect() {
        RecordingGate gate = RecordingGate.running();
        StubRdsClient rds = new StubRdsClient("discordination-unit");
        rds.existingSnapshot("manual-20261201-120000");

        assertThatThrownBy(() -> instance(gate, rds).snapshot("manual-20261201-120000"))
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("already exists");
        assertThat(gate.isEmpty()).isTrue();
        assertThat(rds.creates).isEmpty();
    }

    @Test
    void snapshot_whenTheNameBreaksRdsRules_failsBeforeAnyCall() {
        RecordingGate gate = RecordingGate.running();
        StubRdsClient rds = new StubRdsClient("discordination-unit");

        assertThatThrownBy(() -> instance(gate, rds).snapshot("1-starts-with-a-digit"))
                .isInstanceOf(OpsException.InvalidInputException.class);
        assertThat(gate.isEmpty()).isTrue();
        assertThat(rds.creates).isEmpty();
    }
}
