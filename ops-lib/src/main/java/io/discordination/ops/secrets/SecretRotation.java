package io.discordination.ops.secrets;

import io.discordination.ops.text.Table;

/**
 * What {@link SecretsManagerSecret#rotate()} did, by version ids only (never a value): how it
 * rotated ({@code rotate-secret} or {@code new-random-value}), the version that was current and
 * is now AWSPREVIOUS, and the new AWSCURRENT one.
 *
 * <pre>{@code SecretRotation r = secret("jwt-secret").rotate(); r.newVersionId();}</pre>
 */
public record SecretRotation(String secretId, String method, String previousVersionId, String newVersionId,
                             String currentVersionAfter, String previousVersionAfter, boolean planned) {

    /** True when the stages ended as expected: the new version is AWSCURRENT, the old one AWSPREVIOUS. */
    public boolean stagesAsExpected() {
        return !planned && newVersionId != null && newVersionId.equals(currentVersionAfter)
                && (previousVersionId == null || previousVersionId.equals(previousVersionAfter));
    }

    @Override
    public String toString() {
        return (planned ? "planned (dry run)\n" : "") + Table.fields("secret", secretId, "method", method,
                "previous version", previousVersionId, "new version", newVersionId,
                "AWSCURRENT now", currentVersionAfter, "AWSPREVIOUS now", previousVersionAfter);
    }
}
