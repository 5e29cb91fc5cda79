package io.discordination.ops.secrets;

import io.discordination.ops.OpsException;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.RecordingGate;
import io.discordination.ops.testing.UnitTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link SecretsManagerSecret#rotate} against an in-memory secret and the recording gate: no sandbox. */
@Tag("unit")
class SecretsManagerSecretUnitTest {
    private static final String CURRENT = "11111111-aaaa-4bbb-8ccc-000000000001";

    private SecretsManagerSecret jwt(RecordingGate gate, StubSecretsManagerClient sm) {
        return new SecretsManagerSecret(UnitTopology.topology().secrets(), sm, UnitTopology.context(gate), "jwt-secret");
    }

    @Test
    void rotate_whenPlanning_recordsADestructiveRotationByItsFunctionAndSendsNoRotateSecret() {
        RecordingGate gate = RecordingGate.planning();
        StubSecretsManagerClient sm = new StubSecretsManagerClient("discordination/jwt-secret",
                StubSecretsManagerClient.ROTATION_FUNCTION, CURRENT);

        SecretRotation rotation = jwt(gate, sm).rotate();

        Effect effect = gate.only();
        assertThat(effect.target()).isEqualTo("secret discordination/jwt-secret");
        assertThat(effect.verb()).isEqualTo("rotate-secret");
        assertThat(effect.destructive()).isTrue();
        assertThat(effect.parameters()).containsEntry("secretId", "discordination/jwt-secret")
                .containsEntry("rotationFunction", StubSecretsManagerClient.ROTATION_FUNCTION)
                .containsEntry("previousVersion", CURRENT);
        // the request token may follow: it is the new version's id, chosen before the call
        assertThat(effect.command()).startsWith("aws secretsmanager rotate-secret --secret-id discordination/jwt-secret");
        assertThat(effect.inverse()).contains("rotate again");
        assertThat(sm.operations).as("a plan reads, and sends no RotateSecret").doesNotContain("RotateSecret")
                .contains("DescribeSecret", "ListSecretVersionIds");
        assertThat(rotation.planned()).isTrue();
    }

    @Test
    void rotate_whenRunning_rotatesUnderItsOwnVersionIdAndReturnsOnceThatVersionIsCurrent() {
        RecordingGate gate = RecordingGate.running();
        StubSecretsManagerClient sm = new StubSecretsManagerClient("discordination/jwt-secret",
                StubSecretsManagerClient.ROTATION_FUNCTION, CURRENT);

        SecretRotation rotation = jwt(gate, sm).rotate(Duration.ofSeconds(30));

        assertThat(gate.only().verb()).isEqualTo("rotate-secret");
        assertThat(sm.rotations).singleElement().satisfies(request -> {
            assertThat(request.secretId()).isEqualTo("discordination/jwt-secret");
            assertThat(request.clientRequestToken()).isEqualTo(rotation.newVersionId());
        });
        assertThat(rotation.currentVersionAfter()).isEqualTo(rotation.newVersionId());
        assertThat(rotation.previousVersionAfter()).isEqualTo(CURRENT);
        assertThat(rotation.planned()).isFalse();
    }

    @Test
    void rotate_whenTheSecretHasNoRotationFunction_isRefusedBeforeAnyEffect() {
        RecordingGate gate = RecordingGate.running();
        StubSecretsManagerClient sm = new StubSecretsManagerClient("discordination/jwt-secret", null, CURRENT);

        assertThatThrownBy(() -> jwt(gate, sm).rotate())
                .isInstanceOf(OpsException.RefusedException.class)
                .hasMessageContaining("it has no rotation function");
        assertThat(gate.isEmpty()).isTrue();
        assertThat(sm.operations).doesNotContain("RotateSecret");
    }
}
