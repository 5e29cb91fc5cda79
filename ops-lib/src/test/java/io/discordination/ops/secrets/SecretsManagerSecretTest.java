package io.discordination.ops.secrets;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SandboxExtension.class)
class SecretsManagerSecretTest {

    private static String versionWith(SandboxInfo info, String secretId, String stage) {
        try (SecretsManagerClient sm = SandboxAws.client(info, SecretsManagerClient.builder())) {
            return sm.listSecretVersionIds(b -> b.secretId(secretId)).versions().stream()
                    .filter(v -> v.versionStages().contains(stage)).map(SecretVersionsListEntry::versionId).findFirst().orElse(null);
        }
    }

    private static String value(SandboxInfo info, String secretId, String stage) {
        try (SecretsManagerClient sm = SandboxAws.client(info, SecretsManagerClient.builder())) {
            return sm.getSecretValue(b -> b.secretId(secretId).versionStage(stage)).secretString();
        }
    }

    private static List<String> pendingVersions(SandboxInfo info, String secretId) {
        try (SecretsManagerClient sm = SandboxAws.client(info, SecretsManagerClient.builder())) {
            return sm.listSecretVersionIds(b -> b.secretId(secretId)).versions().stream()
                    .filter(v -> v.versionStages().contains("AWSPENDING")).map(SecretVersionsListEntry::versionId).toList();
        }
    }

    @Test
    void rotate_whenTheRotationFunctionRuns_returnsOnlyWhenTheNewVersionIsCurrentAndNoneIsPending(SandboxInfo info,
                                                                                                @TempDir Path home) throws Exception {
        String oldVersion = versionWith(info, SeedData.JWT_SECRET_ID, "AWSCURRENT");
        String oldValue = value(info, SeedData.JWT_SECRET_ID, "AWSCURRENT");
        SecretRotation rotation;
        try (OpsContext ops = SandboxAws.context(info, home)) {
            rotation = ops.secret("jwt-secret").rotate();
            // at the moment rotate() returns, not later
            assertThat(versionWith(info, SeedData.JWT_SECRET_ID, "AWSCURRENT")).isEqualTo(rotation.newVersionId());
            assertThat(pendingVersions(info, SeedData.JWT_SECRET_ID)).isEmpty();
        }
        assertThat(rotation.method()).isEqualTo("rotate-secret");
        assertThat(rotation.previousVersionId()).isEqualTo(oldVersion);
        assertThat(rotation.stagesAsExpected()).isTrue();
        assertThat(rotation.checks()).isPositive();
        String newValue = value(info, SeedData.JWT_SECRET_ID, "AWSCURRENT");
        assertThat(newValue).isNotEqualTo(oldValue).hasSizeGreaterThanOrEqualTo(64);
        assertThat(value(info, SeedData.JWT_SECRET_ID, "AWSPREVIOUS")).isEqualTo(oldValue);
        assertThat(versionWith(info, SeedData.JWT_SECRET_ID, "AWSPREVIOUS")).isEqualTo(oldVersion);
        // neither value anywhere we write
        String printed = rotation.toString() + io.discordination.ops.Json.write(rotation);
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) printed += Files.readString(f);
        }
        assertThat(printed).doesNotContain(newValue).doesNotContain(oldValue).contains(rotation.newVersionId(), "rotated after");
    }

    @Test
    void rotate_whenTheSecretHasNoRotationFunction_isRefusedInAnUnprotectedEnvironmentAndChangesNothing(SandboxInfo info,
                                                                                                      @TempDir Path home) throws Exception {
        String secretId = "discordination/without-rotation-" + System.nanoTime();
        try (SecretsManagerClient sm = SandboxAws.client(info, SecretsManagerClient.builder())) {
            sm.createSecret(b -> b.name(secretId).secretString("value-without-rotation-7731"));
        }
        String before = versionWith(info, secretId, "AWSCURRENT");
        String local = Files.readString(info.environmentFile());
        assertThat(local).contains("protected: false");
        Path env = Files.writeString(home.resolve("staging-like.yaml"),
                local.replace("jwt-secret: " + SeedData.JWT_SECRET_ID, "jwt-secret: " + secretId));
        try (OpsContext ops = OpsContext.builder().environment(io.discordination.ops.env.Environment.load(env)).opsHome(home)
                .confirmer(io.discordination.ops.gate.Confirmer.nonInteractive(true, null)).build()) {
            assertThatThrownBy(() -> ops.secret("jwt-secret").rotate())
                    .isInstanceOf(OpsException.RefusedException.class)
                    .hasMessageContaining("Refused to rotate " + secretId + ": it has no rotation function")
                    .hasMessageContaining("RotationLambdaARN absent");
            assertThat(ops.gate().audit().read()).isEmpty();
        }
        assertThat(versionWith(info, secretId, "AWSCURRENT")).isEqualTo(before);
        assertThat(value(info, secretId, "AWSCURRENT")).isEqualTo("value-without-rotation-7731");
    }

    @Test
    void rotate_whenTheRotationFunctionFails_failsWithThePendingVersionAndRefusesTheNextRotation(
            SandboxInfo info, io.discordination.ops.sandbox.Sandbox sandbox, @TempDir Path home) throws Exception {
        String before = versionWith(info, SeedData.DB_PASSWORD_SECRET_ID, "AWSCURRENT");
        try {
            // someone changed the password behind Secrets Manager's back: setSecret cannot log in to change it
            try (java.sql.Connection admin = java.sql.DriverManager.getConnection(info.adminJdbcUrl(), info.adminUser(), info.adminPassword());
                 java.sql.Statement st = admin.createStatement()) {
                st.execute("ALTER ROLE " + info.databaseUser() + " PASSWORD 'changed-by-hand-5512'");
            }
            try (OpsContext ops = SandboxAws.context(info, home)) {
                assertThatThrownBy(() -> ops.secret("db-password").rotate(java.time.Duration.ofSeconds(8)))
                        .isInstanceOf(OpsException.class).isNotInstanceOf(OpsException.RefusedException.class)
                        .hasMessageContaining("Waiting for the rotation of " + SeedData.DB_PASSWORD_SECRET_ID + ": not rotated after")
                        .satisfies(e -> assertThat(((OpsException) e).hint()).contains("AWSPENDING"));
                assertThat(versionWith(info, SeedData.DB_PASSWORD_SECRET_ID, "AWSCURRENT")).isEqualTo(before);
                assertThat(pendingVersions(info, SeedData.DB_PASSWORD_SECRET_ID)).hasSize(1);

                assertThatThrownBy(() -> ops.secret("db-password").rotate())
                        .isInstanceOf(OpsException.RefusedException.class).hasMessageContaining("an earlier rotation has not finished");
            }
        } finally {
            sandbox.reset();
        }
    }

    @Test
    void rotate_whenNobodyConfirms_isRefusedAndMakesNoVersion(SandboxInfo info, @TempDir Path home) {
        String before = versionWith(info, SeedData.DB_PASSWORD_SECRET_ID, "AWSCURRENT");
        try (OpsContext ops = SandboxAws.refusingContext(info, home)) {
            assertThatThrownBy(() -> ops.secret("db-password").rotate()).isInstanceOf(OpsException.RefusedException.class);
        }
        assertThat(versionWith(info, SeedData.DB_PASSWORD_SECRET_ID, "AWSCURRENT")).isEqualTo(before);
    }

    @Test
    void rotate_whenDryRun_plansWithInverseAndChangesNothing(SandboxInfo info, @TempDir Path home) {
        String before = versionWith(info, SeedData.JWT_SECRET_ID, "AWSCURRENT");
        try (OpsContext ops = SandboxAws.dryRunContext(info, home)) {
            SecretRotation planned = ops.secret(SeedData.JWT_SECRET_ID).rotate();
            assertThat(planned.planned()).isTrue();
            assertThat(ops.plan().effects()).singleElement().satisfies(e -> {
                assertThat(e.destructive()).isTrue();
                assertThat(e.command()).matches("aws secretsmanager rotate-secret --secret-id discordination/jwt-secret"
                        + " --client-request-token [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
                assertThat(e.inverse()).startsWith("rotate again (aws secretsmanager rotate-secret --secret-id discordination/jwt-secret)")
                        .contains("moving AWSCURRENT back to " + before + " would not undo");
            });
        }
        assertThat(versionWith(info, SeedData.JWT_SECRET_ID, "AWSCURRENT")).isEqualTo(before);
    }

    @Test
    void describe_whenSeeded_showsStagesAndNoValue(SandboxInfo info, @TempDir Path home) {
        String value = value(info, SeedData.JWT_SECRET_ID, "AWSCURRENT");
        try (OpsContext ops = SandboxAws.context(info, home)) {
            SecretInfo described = ops.secret("jwt-secret").describe();
            assertThat(described.currentVersionId()).isEqualTo(versionWith(info, SeedData.JWT_SECRET_ID, "AWSCURRENT"));
            assertThat(described.rotationConfigured()).isTrue();
            assertThat(described.rotationLambdaArn()).endsWith(":function:" + SeedData.JWT_SECRET_ROTATION_FUNCTION);
            assertThat(described.toString() + io.discordination.ops.Json.write(described)).doesNotContain(value);
            assertThatThrownBy(() -> ops.secret("jwt")).isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("known: jwt-secret, db-password");
            assertThat(List.of(ops.secret("discordination/db-password").secretId())).containsExactly(SeedData.DB_PASSWORD_SECRET_ID);
        }
    }
}
