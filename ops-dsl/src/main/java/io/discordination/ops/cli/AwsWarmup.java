package io.discordination.ops.cli;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.wafv2.Wafv2Client;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads the AWS SDK's classes on the second core while the first one starts the run: for each
 * {@code aws SERVICE} a runbook's commands name, in order, a throwaway client is built and
 * closed (no request, no credentials used). The context's real clients are still created lazily
 * by the handles, on first use; they just find the classes loaded. Creating the first SDK client
 * in a fresh JVM costs a few hundred milliseconds, most of it class loading and initialisation.
 * {@code -Dops.warmup=false} turns it off (to measure it).
 */
final class AwsWarmup {
    private static final Pattern AWS_COMMAND = Pattern.compile("\\baws\\s+([a-z0-9-]+)");
    private static final Map<String, Supplier<? extends AwsClientBuilder<?, ?>>> BUILDERS = Map.of(
            "ecs", EcsClient::builder,
            "logs", CloudWatchLogsClient::builder,
            "rds", RdsClient::builder,
            "cloudwatch", CloudWatchClient::builder,
            "s3", S3Client::builder,
            "s3api", S3Client::builder,
            "wafv2", Wafv2Client::builder,
            "secretsmanager", SecretsManagerClient::builder);

    private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    private AwsWarmup() {
    }

    /**
     * For {@code ops plan NAME} and {@code ops run NAME}: starts warming before the command line is
     * even parsed (a fifth of a second earlier), from the runbook file the name finds in
     * {@code runbooks/}. Anything unusual (another command, a path, no such file) is left to the
     * command, which warms when it has loaded the runbook.
     */
    static void startEarly(String[] args) {
        List<String> words = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (OpsCommand.takesValue(args[i])) i++; // ops --env prod plan NAME: prod is not a word
            else if (!args[i].startsWith("-")) words.add(args[i]);
        }
        if (words.size() < 2 || !(words.get(0).equals("plan") || words.get(0).equals("run"))) return;
        String name = words.get(1);
        if (!name.matches("[a-z0-9][a-z0-9-]*")) return;
        for (String ext : List.of(".jsh", ".groovy")) {
            java.nio.file.Path file = io.discordination.ops.OpsPaths.runbooks().resolve(name + ext);
            try {
                if (java.nio.file.Files.isRegularFile(file)) {
                    start(java.nio.file.Files.readString(file));
                    return;
                }
            } catch (java.io.IOException | RuntimeException ignored) {
                return;
            }
        }
    }

    /**
     * Starts warming for the services named in {@code scriptText}: the script's own text, read
     * before it is compiled, so that warming overlaps a first run's compile too.
     */
    static void start(String scriptText) {
        if ("false".equals(System.getProperty("ops.warmup")) || STARTED.getAndSet(true)) return;
        Set<String> services = new LinkedHashSet<>();
        Matcher m = AWS_COMMAND.matcher(scriptText);
        while (m.find()) if (BUILDERS.containsKey(m.group(1))) services.add(m.group(1));
        if (services.isEmpty()) return;
        Thread t = new Thread(() -> {
            for (String service : services) warm(BUILDERS.get(service).get());
        }, "ops-aws-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void warm(AwsClientBuilder builder) {
        try {
            builder.region(Region.US_EAST_1);
            builder.endpointOverride(URI.create("http://127.0.0.1:9"));
            builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("warmup", "warmup")));
            ((AwsSyncClientBuilder) builder).httpClientBuilder(UrlConnectionHttpClient.builder());
            try (SdkClient client = (SdkClient) builder.build()) {
                client.serviceName();
            }
        } catch (RuntimeException | LinkageError ignored) {
            // warming is an optimisation; the real client reports real problems
        }
    }
}
