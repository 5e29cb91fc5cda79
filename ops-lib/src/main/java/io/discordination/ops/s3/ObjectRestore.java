package io.discordination.ops.s3;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Outcome;
import io.discordination.ops.text.Table;

/**
 * What {@link Bucket#restore(String, String)} did: which version it copied back, the new current
 * version it made, and whether the new content was verified to match (by ETag, or by SHA-256 of
 * both when ETags cannot be compared).
 *
 * <pre>{@code ObjectRestore r = bucket().restoreDeleted("attachments/123/photo.png"); r.verified();}</pre>
 */
public record ObjectRestore(String bucket, String key, String restoredVersionId, String newVersionId,
                            String replacedVersionId, boolean wasDeleted, String verifiedBy, boolean verified,
                            boolean planned, @JsonIgnore Effect effect) implements Outcome {
    @Override
    public String toString() {
        return (planned ? Outcome.plannedText("restore") + "\n" : "") + Table.fields("object", "s3://" + bucket + "/" + key,
                "restored version", restoredVersionId, "new current version", newVersionId,
                "replaced", wasDeleted ? "a delete marker" : replacedVersionId,
                "verified", planned ? "" : (verified ? "yes (" + verifiedBy + ")" : "NO"));
    }
}
