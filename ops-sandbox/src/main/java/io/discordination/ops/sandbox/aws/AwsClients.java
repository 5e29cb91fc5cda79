package io.discordination.ops.sandbox.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.wafv2.Wafv2Client;

import java.net.URI;
import java.time.Duration;

/**
 * AWS SDK clients pointed at the sandbox's moto, sharing one HTTP client. Close it to close them all.
 *
 * <pre>{@code try (AwsClients aws = new AwsClients(endpoint, "us-east-1", key, secret)) { aws.ecs().listClusters(); }}</pre>
 */
public final class AwsClients implements AutoCloseable {
    private final SdkHttpClient http;
    private final URI endpoint;
    private final Region region;
    private final StaticCredentialsProvider credentials;
    private Ec2Client ec2;
    private EcsClient ecs;
    private CloudWatchLogsClient logs;
    private CloudWatchClient cloudWatch;
    private RdsClient rds;
    private S3Client s3;
    private Wafv2Client waf;
    private SecretsManagerClient secrets;
    private IamClient iam;
    private LambdaClient lambda;
    private CloudFormationClient cloudFormation;

    public AwsClients(String endpoint, String region, String accessKeyId, String secretAccessKey) {
        this.endpoint = URI.create(endpoint);
        this.region = Region.of(region);
        this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30))
                .build();
    }

    private <B extends AwsClientBuilder<B, C>, C> C build(B builder) {
        return builder.endpointOverride(endpoint).region(region).credentialsProvider(credentials)
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(60)).build())
                .build();
    }

    public synchronized Ec2Client ec2() {
        if (ec2 == null) ec2 = build(Ec2Client.builder().httpClient(http));
        return ec2;
    }

    public synchronized EcsClient ecs() {
        if (ecs == null) ecs = build(EcsClient.builder().httpClient(http));
        return ecs;
    }

    public synchronized CloudWatchLogsClient logs() {
        if (logs == null) logs = build(CloudWatchLogsClient.builder().httpClient(http));
        return logs;
    }

    public synchronized CloudWatchClient cloudWatch() {
        if (cloudWatch == null) cloudWatch = build(CloudWatchClient.builder().httpClient(http));
        return cloudWatch;
    }

    public synchronized RdsClient rds() {
        if (rds == null) rds = build(RdsClient.builder().httpClient(http));
        return rds;
    }

    public synchronized S3Client s3() {
        if (s3 == null) s3 = build(S3Client.builder().httpClient(http).forcePathStyle(true));
        return s3;
    }

    public synchronized Wafv2Client waf() {
        if (waf == null) waf = build(Wafv2Client.builder().httpClient(http));
        return waf;
    }

    public synchronized SecretsManagerClient secrets() {
        if (secrets == null) secrets = build(SecretsManagerClient.builder().httpClient(http));
        return secrets;
    }

    public synchronized IamClient iam() {
        if (iam == null) iam = build(IamClient.builder().httpClient(http));
        return iam;
    }

    public synchronized LambdaClient lambda() {
        if (lambda == null) lambda = build(LambdaClient.builder().httpClient(http));
        return lambda;
    }

    public synchronized CloudFormationClient cloudFormation() {
        if (cloudFormation == null) cloudFormation = build(CloudFormationClient.builder().httpClient(http));
        return cloudFormation;
    }

    /**
     * Builds every client without calling anything, so the SDK's classes are loaded (about two
     * seconds on a cold JVM) while moto is still starting.
     */
    public void warmUp() {
        ec2();
        ecs();
        logs();
        cloudWatch();
        rds();
        s3();
        waf();
        secrets();
        iam();
        lambda();
        cloudFormation();
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : new AutoCloseable[]{ec2, ecs, logs, cloudWatch, rds, s3, waf, secrets, iam, lambda, cloudFormation}) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a client of an emulator that is already gone
            }
        }
        http.close();
    }
}
