package io.discordination.ops.secrets;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;
import io.discordination.ops.text.Durations;
import io.discordination.ops.text.Table;

import java.time.Duration;

/**
 * What {@link SecretsManagerSecret#rotate()} did, by version ids only (never a value): how it
 * rotated ({@code rotate-secret}, by the secret's rotation function), the version that was current
 * and is now AWSPREVIOUS, the new AWSCURRENT one, and how many checks and how long the wait for the
 * rotation function took.
 *
 * <pre>{@code SecretRotation r = secret("jwt-secret").rotate(); r.newVersionId();}</pre>
 */
public record SecretRotation(String secretId, String method, String previousVersionId, String newVersionId,
                             String currentVersionAfter, String previousVersionAfter, boolean planned,
                             int checks, Duration waited, @JsonIgnore Effect effect) implements Outcome {

    /** True when the stages ended as expected: the new version is AWSCURRENT, the old one AWSPREVIOUS. */
    public boolean stagesAsExpected() {
        return !planned && newVersionId != null && newVersionId.equals(currentVersionAfter)
                && (previousVersionId == null || previousVersionId.equals(previousVersionAfter));
    }

    @Override
    public String toString() {
        return (planned ? Outcome.plannedText("rotate secret " + secretId) + "\n" : "") + Table.fields("secret", secretId, "method", method,
                "previous version", previousVersionId, "new version", newVersionId,
                "AWSCURRENT now", currentVersionAfter, "AWSPREVIOUS now", previousVersionAfter,
                "rotated after", planned ? null : Durations.format(waited) + " (" + checks + " checks)");
    }
}
