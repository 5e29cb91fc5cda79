package io.discordination.ops.s3;

import io.discordination.ops.text.Table;

import java.util.List;
import java.util.Optional;

/**
 * Every version and delete marker under a prefix, by key, newest first. Printed, it shows the
 * first {@value #PRINTED_ROWS} rows, the totals, and how many rows were left out; JSON carries all.
 *
 * <pre>{@code bucket().versions("attachments/123").forKey("attachments/123/photo.png");}</pre>
 */
public record ObjectVersions(String bucket, String prefix, List<ObjectVersion> versions) {
    public static final int PRINTED_ROWS = 50;

    public List<ObjectVersion> forKey(String key) {
        return versions.stream().filter(v -> v.key().equals(key)).toList();
    }

    /** Keys whose current version is a delete marker (deleted, restorable). */
    public List<String> deletedKeys() {
        return versions.stream().filter(v -> v.latest() && v.deleteMarker()).map(ObjectVersion::key).distinct().toList();
    }

    /**
     * The version to restore for {@code key}: the newest real version older than the current state
     * (under the delete marker if the key was deleted, else the one before the current version).
     */
    public Optional<ObjectVersion> previousVersion(String key) {
        List<ObjectVersion> all = forKey(key);
        return all.stream().filter(v -> !v.deleteMarker() && !v.latest()).findFirst();
    }

    public int size() {
        return versions.size();
    }

    @Override
    public String toString() {
        Table t = Table.with("KEY", "VERSION", "LATEST", "DELETE MARKER", "LAST MODIFIED", "SIZE", "ETAG");
        versions.stream().limit(PRINTED_ROWS).forEach(v -> t.row(v.key(), v.versionId(), v.latest() ? "yes" : "",
                v.deleteMarker() ? "yes" : "", v.lastModified(), v.size(), v.eTag()));
        long markers = versions.stream().filter(ObjectVersion::deleteMarker).count();
        long keys = versions.stream().map(ObjectVersion::key).distinct().count();
        String more = Table.leftOut(versions.size(), PRINTED_ROWS, "versions");
        return "versions in s3://" + bucket + "/" + prefix + " (" + versions.size() + ": " + keys + " keys, "
                + (versions.size() - markers) + " versions, " + markers + " delete markers)\n" + t + more;
    }
}
