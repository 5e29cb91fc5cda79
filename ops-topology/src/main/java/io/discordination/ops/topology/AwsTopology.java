package io.discordination.ops.topology;

/**
 * The {@code aws:} section: where the AWS clients connect and with which credentials. Without
 * {@code accessKeyId}/{@code secretAccessKey} or {@code profile}, credentials follow the SDK's
 * default chain ({@code AWS_PROFILE}, instance roles, ...).
 *
 * <pre>{@code String region = topology.aws().regionOrDefault();}</pre>
 *
 * @param region          the region ({@code us-east-1} when absent)
 * @param endpoint        an emulator (moto, LocalStack) instead of AWS; empty means AWS itself
 * @param accessKeyId     static credentials (the sandbox's), with {@code secretAccessKey}
 * @param secretAccessKey secret: registered with the redactor, never printed
 * @param profile         a named profile of the shared AWS config files
 */
public record AwsTopology(Setting region, Setting endpoint, Setting accessKeyId, @Credential Setting secretAccessKey, Setting profile) {
    public static final String DEFAULT_REGION = "us-east-1";

    public AwsTopology {
        region = Defaults.orAbsent(region);
        endpoint = Defaults.orAbsent(endpoint);
        accessKeyId = Defaults.orAbsent(accessKeyId);
        secretAccessKey = Defaults.orAbsent(secretAccessKey);
        profile = Defaults.orAbsent(profile);
    }

    static AwsTopology empty() {
        return new AwsTopology(null, null, null, null, null);
    }

    /** The region, or {@value #DEFAULT_REGION} when the file names none. */
    public String regionOrDefault() {
        return region.optional().orElse(DEFAULT_REGION);
    }
}
