package io.discordination.ops.rds;

import io.discordination.ops.OpsException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RdsIdentifiersTest {
    @ParameterizedTest
    @ValueSource(strings = {"manual-20240501-101500", "a", "Snap1-x"})
    void requireSnapshotId_whenValid_returnsIt(String id) {
        assertThat(RdsIdentifiers.requireSnapshotId(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1manual", "manual--x", "manual-", "manual_x", "manual x", "manual.x"})
    void requireSnapshotId_whenInvalid_isInvalidInput(String id) {
        assertThatThrownBy(() -> RdsIdentifiers.requireSnapshotId(id)).isInstanceOf(OpsException.InvalidInputException.class);
    }

    @org.junit.jupiter.api.Test
    void requireInstanceId_whenLongerThan63_isInvalidInput() {
        assertThatThrownBy(() -> RdsIdentifiers.requireInstanceId("a".repeat(64)))
                .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("63");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rds:discordination-prod-2026-11-29-02-09", "manual-20240501-101500",
            "arn:aws:rds:us-east-1:123456789012:snapshot:shared-1"})
    void requireExistingSnapshotId_whenAutomatedManualOrArn_acceptsIt(String id) {
        assertThat(RdsIdentifiers.requireExistingSnapshotId(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rds:", "rds:bad--id", "x:y", "manual_1"})
    void requireExistingSnapshotId_whenMalformed_isInvalidInput(String id) {
        assertThatThrownBy(() -> RdsIdentifiers.requireExistingSnapshotId(id)).isInstanceOf(OpsException.InvalidInputException.class);
    }
}
