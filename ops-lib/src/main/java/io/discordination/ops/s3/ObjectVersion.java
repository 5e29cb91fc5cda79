package io.discordination.ops.s3;

import java.time.Instant;

/**
 * One version of an object, or a delete marker ({@code aws s3api list-object-versions}).
 *
 * <pre>{@code bucket().versions("attachments/123").versions().get(0).versionId();}</pre>
 */
public record ObjectVersion(String key, String versionId, boolean latest, boolean deleteMarker, Instant lastModified,
                            Long size, String eTag) {
}
