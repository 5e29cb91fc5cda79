package io.discordination.ops.topology;

/**
 * The {@code s3:} section.
 *
 * <pre>{@code String bucket = topology.s3().bucket().required();}</pre>
 *
 * @param bucket the versioned bucket of uploaded files
 */
public record S3Topology(Setting bucket) {
    public S3Topology {
        bucket = Defaults.orAbsent(bucket);
    }

    static S3Topology empty() {
        return new S3Topology(null);
    }
}
