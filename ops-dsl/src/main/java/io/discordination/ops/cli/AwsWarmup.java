package io.discordination.ops.cli;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.wafv2.Wafv2Client;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gets the AWS SDK ready on the second core while the first one starts the run: for each
 * {@code aws SERVICE} a runbook's commands name, in order, then for the registry's DynamoDB table,
 * a throwaway client is built and sends one request of the kind the run's first read of that
 * service is. The request is marshalled, signed and answered inside this JVM (an empty JSON
 * object, {@link Answered}): nothing reaches the network and no credentials are used. The
 * context's real clients are still created by the handles, on first use; they find the classes
 * loaded and initialised, and the request path (endpoint rules, marshallers, signer, interceptors,
 * response handlers) run once. Creating the first SDK client and sending its first request in a
 * fresh JVM costs a few hundred milliseconds, most of it class loading and initialisation.
 * {@code -Dops.warmup=false} turns it off (to measure it).
 */
final class AwsWarmup {
    private static final Pattern AWS_COMMAND = Pattern.compile("\\baws\\s+([a-z0-9-]+)");

    /** A service: its client's builder, and the request its first read is likely to be. */
    private record Service(Supplier<? extends AwsClientBuilder<?, ?>> builder, Consumer<SdkClient> firstRequest) {
    }

    private static final Map<String, Service> SERVICES = Map.of(
            "ecs", new Service(EcsClient::builder,
                    c -> ((EcsClient) c).describeServices(b -> b.cluster("warm-up").services("warm-up"))),
            "logs", new Service(CloudWatchLogsClient::builder,
                    c -> ((CloudWatchLogsClient) c).filterLogEvents(b -> b.logGroupName("warm-up").startTime(0L))),
            "rds", new Service(RdsClient::builder,
                    c -> ((RdsClient) c).describeDBInstances(b -> b.dbInstanceIdentifier("warm-up"))),
            "cloudwatch", new Service(CloudWatchClient::builder,
                    c -> ((CloudWatchClient) c).listMetrics(b -> b.namespace("warm-up"))),
            "s3", new Service(S3Client::builder, c -> ((S3Client) c).listObjectsV2(b -> b.bucket("warm-up"))),
            "s3api", new Service(S3Client::builder, c -> ((S3Client) c).listObjectsV2(b -> b.bucket("warm-up"))),
            "wafv2", new Service(Wafv2Client::builder,
                    c -> ((Wafv2Client) c).listWebACLs(b -> b.scope(software.amazon.awssdk.services.wafv2.model.Scope.REGIONAL))),
            "secretsmanager", new Service(SecretsManagerClient::builder,
                    c -> ((SecretsManagerClient) c).describeSecret(b -> b.secretId("warm-up"))),
            // not named by runbooks: a plan reads who holds its targets, a run takes leases and records itself there
            "dynamodb", new Service(DynamoDbClient::builder,
                    c -> ((DynamoDbClient) c).getItem(b -> b.tableName("warm-up")
                            .key(Map.of("pk", AttributeValue.fromS("warm-up"), "sk", AttributeValue.fromS("warm-up"))))));

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
        while (m.find()) if (SERVICES.containsKey(m.group(1))) services.add(m.group(1));
        services.add("dynamodb");
        Thread t = new Thread(() -> {
            for (String service : services) warm(SERVICES.get(service));
        }, "ops-aws-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void warm(Service service) {
        AwsClientBuilder builder = service.builder().get();
        try (SdkHttpClient http = UrlConnectionHttpClient.create(uri -> {
            try {
                return new Answered(uri.toURL());
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        })) {
            builder.region(Region.US_EAST_1);
            builder.endpointOverride(URI.create("http://127.0.0.1:9"));
            builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("warm-up", "warm-up")));
            builder.overrideConfiguration(ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry()).build());
            ((AwsSyncClientBuilder) builder).httpClient(http);
            try (SdkClient client = (SdkClient) builder.build()) {
                service.firstRequest().accept(client);
            }
        } catch (RuntimeException | LinkageError ignored) {
            // warming is an optimisation (an XML service's answer does not parse as JSON); the real client reports real problems
        }
    }

    /** An HTTP exchange answered in this JVM: 200 and an empty JSON object; what the request writes is dropped. */
    private static final class Answered extends HttpURLConnection {
        private static final byte[] BODY = "{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        Answered(java.net.URL url) {
            super(url);
        }

        @Override
        public void connect() {
            connected = true;
        }

        @Override
        public void disconnect() {
        }

        @Override
        public boolean usingProxy() {
            return false;
        }

        @Override
        public int getResponseCode() {
            return HTTP_OK;
        }

        @Override
        public String getResponseMessage() {
            return "OK";
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(BODY);
        }

        @Override
        public Map<String, List<String>> getHeaderFields() {
            return Map.of("Content-Type", List.of("application/x-amz-json-1.1"), "Content-Length", List.of(Integer.toString(BODY.length)));
        }

        @Override
        public String getHeaderField(String name) {
            List<String> values = name == null ? null : getHeaderFields().entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
            return values == null ? null : values.get(0);
        }
    }
}
