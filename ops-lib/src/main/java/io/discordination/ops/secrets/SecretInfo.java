package io.discordination.ops.secrets;

import io.discordination.ops.text.Table;

import java.time.Instant;
import java.util.List;

/**
 * What Secrets Manager says about a secret, never its value: rotation settings and its versions
 * with their stages ({@code aws secretsmanager describe-secret} and {@code list-secret-version-ids}).
 *
 * <pre>{@code secret("jwt-secret").describe().currentVersionId();}</pre>
 */
public record SecretInfo(String secretId, String arn, boolean rotationEnabled, String rotationLambdaArn,
                         Instant lastRotated, Instant lastChanged, List<Version> versions) {

    /** One version and its staging labels (AWSCURRENT, AWSPREVIOUS, AWSPENDING). */
    public record Version(String versionId, List<String> stages, Instant createdAt) {
    }

    /** True if {@code RotateSecret} can rotate it: rotation is on and a rotation function is set. */
    public boolean rotationConfigured() {
        return rotationEnabled && rotationLambdaArn != null && !rotationLambdaArn.isBlank();
    }

    public String currentVersionId() {
        return versionWith("AWSCURRENT");
    }

    public String previousVersionId() {
        return versionWith("AWSPREVIOUS");
    }

    public String versionWith(String stage) {
        return versions.stream().filter(v -> v.stages().contains(stage)).map(Version::versionId).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        Table t = Table.with("VERSION", "STAGES", "CREATED");
        versions.forEach(v -> t.row(v.versionId(), String.join(",", v.stages()), v.createdAt()));
        return Table.fields("secret", secretId, "rotation", rotationConfigured() ? "configured (" + rotationLambdaArn + ")"
                        : rotationEnabled ? "enabled, no rotation function" : "not configured",
                "last rotated", lastRotated, "last changed", lastChanged) + "\n" + t;
    }
}
