package io.discordination.ops.cli;

import io.discordination.ops.Json;
import io.discordination.ops.Redactor;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.aws.AwsClients;
import io.discordination.ops.sandbox.aws.MotoServer;
import io.discordination.ops.sandbox.process.Ports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ops setup} against a moto of its own (the sandbox's, with its patches), emptied before each
 * test; what exists afterwards is read with the AWS SDK (and the aws CLI deploys the template).
 */
class SetupCommandTest {
    private static final String ENV = "setup-test";
    private static Path dir;
    private static MotoServer moto;
    private static long motoPid;
    private static String endpoint;

    @TempDir
    Path home;

    private Cli cli;
    private Path envFile;

    @BeforeAll
    static void startMoto() throws Exception {
        dir = Files.createTempDirectory("ops-setup-moto");
        moto = new MotoServer(dir, new MotoServer.Seeding("us-east-1", "AKIASETUPTEST", "setup-test-secret", "unused"), new MotoServer.Memory() {
            @Override
            public boolean patchesApplied() {
                return true;
            }

            @Override
            public void patchesApplied(boolean applied) {
            }

            @Override
            public boolean seeded() {
                return true;
            }

            @Override
            public void seeded(io.discordination.ops.sandbox.aws.AwsSeeder.AwsSeed seed) {
            }
        });
        int port = Ports.pickFree();
        motoPid = moto.start(port);
        endpoint = MotoServer.endpoint(port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!moto.isHealthy(port)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("moto did not start: " + Files.readString(moto.log()));
            Thread.sleep(50);
        }
        assertThat(moto.patchesApplied()).as("the sandbox's moto patches").isTrue();
    }

    @AfterAll
    static void stopMoto() throws IOException {
        if (motoPid > 0) moto.stop(motoPid, Duration.ofSeconds(5));
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @BeforeEach
    void emptyMoto() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint + "/moto-api/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        envFile = home.resolve(ENV + ".yaml");
        Files.writeString(envFile, """
                name: %s
                protected: true
                aws:
                  region: us-east-1
                  endpoint: %s
                  accessKeyId: AKIASETUPTEST
                  secretAccessKey: setup-test-secret
                registry:
                  table: discordination-ops
                  auditLogGroup: /discordination/ops/audit
                  journalBucket: discordination-ops
                  journalPrefix: journals/
                """.formatted(ENV, endpoint));
        cli = new Cli(home, Cli.projectRoot());
    }

    /** The aws CLI against this test's moto; stdout. */
    private static String aws(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(Map.of("AWS_ENDPOINT_URL", endpoint, "AWS_ACCESS_KEY_ID", "AKIASETUPTEST",
                "AWS_SECRET_ACCESS_KEY", "setup-test-secret", "AWS_DEFAULT_REGION", "us-east-1"));
        pb.directory(Cli.projectRoot().toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(120, TimeUnit.SECONDS);
        return out;
    }

    private static AwsClients aws() {
        return new AwsClients(endpoint, "us-east-1", "AKIASETUPTEST", "setup-test-secret");
    }

    private static DynamoDbClient dynamo() {
        return DynamoDbClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIASETUPTEST", "setup-test-secret")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** What the AWS SDK sees of the control plane, one line per setting. */
    private static List<String> controlPlane() {
        try (AwsClients aws = aws(); DynamoDbClient dynamo = dynamo()) {
            var table = dynamo.describeTable(r -> r.tableName("discordination-ops")).table();
            var ttl = dynamo.describeTimeToLive(r -> r.tableName("discordination-ops")).timeToLiveDescription();
            var pitr = dynamo.describeContinuousBackups(r -> r.tableName("discordination-ops")).continuousBackupsDescription()
                    .pointInTimeRecoveryDescription();
            var group = aws.logs().describeLogGroups(r -> r.logGroupNamePrefix("/discordination/ops/audit")).logGroups();
            var block = aws.s3().getPublicAccessBlock(r -> r.bucket("discordination-ops")).publicAccessBlockConfiguration();
            return List.of(
                    table.keySchema().get(0).attributeName() + " " + table.keySchema().get(1).attributeName() + " "
                            + table.billingModeSummary().billingModeAsString() + " " + table.globalSecondaryIndexes().get(0).indexName(),
                    ttl.timeToLiveStatusAsString() + " " + ttl.attributeName(),
                    pitr.pointInTimeRecoveryStatusAsString(),
                    group.stream().map(g -> g.logGroupName() + " " + g.retentionInDays()).collect(java.util.stream.Collectors.joining(", ")),
                    aws.s3().getBucketVersioning(r -> r.bucket("discordination-ops")).statusAsString(),
                    block.blockPublicAcls() + " " + block.ignorePublicAcls() + " " + block.blockPublicPolicy() + " " + block.restrictPublicBuckets());
        }
    }

    /** Whether anything of the control plane exists. */
    private static List<String> anyOfIt() {
        try (AwsClients aws = aws(); DynamoDbClient dynamo = dynamo()) {
            List<String> found = new java.util.ArrayList<>(dynamo.listTables().tableNames());
            aws.logs().describeLogGroups().logGroups().forEach(g -> found.add(g.logGroupName()));
            aws.s3().listBuckets().buckets().forEach(b -> found.add(b.name()));
            return found;
        }
    }

    private static final List<String> COMPLETE = List.of("pk sk PAY_PER_REQUEST by-kind", "ENABLED ttl", "ENABLED",
            "/discordination/ops/audit 400", "Enabled", "true true true true");

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private List<AuditLog.Record> audit() {
        return AuditLog.forEnvironment(home, ENV, new Redactor()).read();
    }

    @Test
    void setup_onAnEmptyMoto_isRefusedWithoutApproval_thenCreatesEverything_andASecondRunChangesNothing() throws Exception {
        Cli.Result unapproved = cli.run("--no-input", "--env", envFile.toString(), "setup");
        assertThat(unapproved.exitCode()).as(unapproved.all()).isEqualTo(3);
        assertThat(unapproved.out()).contains("dynamodb table", "missing", "create");
        assertThat(anyOfIt()).as("nothing was created").isEmpty();
        // a protected environment wants its name as well as --yes
        Cli.Result withoutName = cli.run("--no-input", "--env", envFile.toString(), "setup", "--yes");
        assertThat(withoutName.exitCode()).as(withoutName.all()).isEqualTo(3);
        assertThat(withoutName.err()).contains("--confirm-env");

        Cli.Result first = cli.run("--no-input", "--env", envFile.toString(), "setup", "--yes", "--confirm-env", ENV);
        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(first.out()).contains("complete: the control plane of " + ENV + " is in place");
        assertThat(controlPlane()).containsExactlyElementsOf(COMPLETE);
        List<AuditLog.Record> audited = audit().stream().filter(r -> "ok".equals(r.event())).toList();
        // the audit trail's group first, so that the records of the others can go to it
        assertThat(audited).extracting(r -> r.effect().summary()).containsExactly("create logs group /discordination/ops/audit",
                "create dynamodb table discordination-ops", "create s3 bucket discordination-ops");
        int records = audit().size();

        Cli.Result second = cli.run("--no-input", "--env", envFile.toString(), "setup", "--output", "json");
        assertThat(second.exitCode()).as(second.all()).isZero();
        Map<?, ?> json = Json.mapper().readValue(second.out(), Map.class);
        assertThat(json.get("complete")).isEqualTo(true);
        assertThat((List<?>) json.get("applied")).isEmpty();
        assertThat((List<?>) json.get("plan")).allSatisfy(item -> assertThat(((Map<?, ?>) item).get("state")).isEqualTo("OK"));
        assertThat(audit()).hasSize(records);
        assertThat(controlPlane()).containsExactlyElementsOf(COMPLETE);
    }

    @Test
    void setup_whenTheEnvironmentRequiresTheCentralTrail_createsItFirst_andEveryRecordOfTheSetupReachesIt() throws Exception {
        Files.writeString(envFile, Files.readString(envFile) + "audit:\n  requireCentral: true\n");

        Cli.Result unapproved = cli.run("--no-input", "--env", envFile.toString(), "setup", "--yes");
        assertThat(unapproved.exitCode()).as(unapproved.all()).isEqualTo(3);
        assertThat(anyOfIt()).as("nothing was created").isEmpty();

        Cli.Result r = cli.run("--no-input", "--env", envFile.toString(), "setup", "--yes", "--confirm-env", ENV);

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(controlPlane()).containsExactlyElementsOf(COMPLETE);
        // what the command could not ship before it ended goes with the next command (which changes nothing)
        Cli.Result next = cli.run("--no-input", "--env", envFile.toString(), "setup");
        assertThat(next.exitCode()).as(next.all()).isZero();
        try (AwsClients aws = aws()) {
            List<String> central = aws.logs().filterLogEvents(f -> f.logGroupName("/discordination/ops/audit")).events().stream()
                    .map(e -> e.message()).toList();
            for (String target : List.of("logs group /discordination/ops/audit", "dynamodb table discordination-ops", "s3 bucket discordination-ops")) {
                assertThat(central).as(target).filteredOn(m -> m.contains(target) && m.contains("\"ok\"")).hasSize(1);
            }
        }
    }

    @Test
    void setup_afterTheTemplateWasDeployedWithTheAwsCli_reportsItComplete() throws Exception {
        String deployed = aws("aws cloudformation deploy --template-file deploy/control-plane.yaml --stack-name discordination-ops"
                + " --capabilities CAPABILITY_NAMED_IAM");
        assertThat(deployed).contains("Successfully created/updated stack - discordination-ops");

        Cli.Result r = cli.run("--no-input", "--env", envFile.toString(), "setup");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("complete: everything is in place; nothing was changed").doesNotContain("missing", "differs");
        assertThat(audit()).isEmpty();
    }

    @Test
    void setup_whenTtlIsOffAndRetentionMissing_setsOnlyThose() throws Exception {
        try (AwsClients aws = aws(); DynamoDbClient dynamo = dynamo()) {
            dynamo.createTable(r -> r.tableName("discordination-ops").billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attribute("pk"), attribute("sk"), attribute("kind"), attribute("at"))
                    .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                    .globalSecondaryIndexes(g -> g.indexName("by-kind").keySchema(key("kind", KeyType.HASH), key("at", KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL))));
            dynamo.putItem(r -> r.tableName("discordination-ops").item(Map.of("pk", AttributeValue.fromS("run#1"), "sk", AttributeValue.fromS("run"))));
            dynamo.updateContinuousBackups(r -> r.tableName("discordination-ops").pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
            aws.logs().createLogGroup(r -> r.logGroupName("/discordination/ops/audit"));
            aws.s3().createBucket(r -> r.bucket("discordination-ops"));
            aws.s3().putBucketVersioning(r -> r.bucket("discordination-ops").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            aws.s3().putPublicAccessBlock(r -> r.bucket("discordination-ops").publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                    .ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
            aws.s3().putBucketEncryption(r -> r.bucket("discordination-ops").serverSideEncryptionConfiguration(c -> c.rules(rule -> rule
                    .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS)))));
        }

        Cli.Result result = cli.run("--no-input", "--env", envFile.toString(), "setup", "--yes", "--confirm-env", ENV, "--output", "json");

        assertThat(result.exitCode()).as(result.all()).isZero();
        Map<?, ?> json = Json.mapper().readValue(result.out(), Map.class);
        List<?> plan = (List<?>) json.get("plan");
        assertThat(plan).filteredOn(i -> !"OK".equals(((Map<?, ?>) i).get("state")))
                .extracting(i -> ((Map<?, ?>) i).get("resource") + " " + ((Map<?, ?>) i).get("state"))
                .containsExactly("  time to live DIFFERS", "  retention DIFFERS");
        assertThat((List<?>) json.get("applied")).extracting(e -> ((Map<?, ?>) e).get("verb") + " " + ((Map<?, ?>) e).get("target"))
                .containsExactly("complete dynamodb table discordination-ops", "complete logs group /discordination/ops/audit");
        assertThat(controlPlane()).containsExactlyElementsOf(COMPLETE);
        // what was there stays: the item, and the bucket's own encryption
        try (AwsClients aws = aws(); DynamoDbClient dynamo = dynamo()) {
            assertThat(dynamo.getItem(r -> r.tableName("discordination-ops")
                    .key(Map.of("pk", AttributeValue.fromS("run#1"), "sk", AttributeValue.fromS("run")))).hasItem()).isTrue();
            assertThat(aws.s3().getBucketEncryption(r -> r.bucket("discordination-ops")).serverSideEncryptionConfiguration().rules().get(0)
                    .applyServerSideEncryptionByDefault().sseAlgorithmAsString()).isEqualTo("aws:kms");
        }
    }

    @Test
    void setup_whenTheTableHasOtherKeys_refusesAndChangesNothing() throws Exception {
        try (DynamoDbClient dynamo = dynamo()) {
            dynamo.createTable(r -> r.tableName("discordination-ops").billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attribute("id")).keySchema(key("id", KeyType.HASH)));
        }

        Cli.Result result = cli.run("--no-input", "--env", envFile.toString(), "setup", "--yes", "--confirm-env", ENV);

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        assertThat(result.out()).contains("conflict", "id (S) HASH");
        assertThat(result.err()).contains("cannot be completed", "nothing was changed");
        assertThat(anyOfIt()).containsExactly("discordination-ops");
        try (DynamoDbClient dynamo = dynamo()) {
            assertThat(dynamo.describeTimeToLive(r -> r.tableName("discordination-ops")).timeToLiveDescription().timeToLiveStatusAsString())
                    .isEqualTo("DISABLED");
        }
        assertThat(audit()).isEmpty();
    }

    @Test
    void setup_onAnEnvironmentWithoutRegistry_orWithABadRetention_isBadInput() throws Exception {
        Path plain = home.resolve("plain.yaml");
        Files.writeString(plain, "name: plain\nprotected: false\naws:\n  region: us-east-1\n  endpoint: " + endpoint + "\n");

        Cli.Result r = cli.run("--no-input", "--env", plain.toString(), "setup", "--yes");
        Cli.Result retention = cli.run("--no-input", "--env", envFile.toString(), "setup", "--audit-retention-days", "42");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("plain has no registry: section");
        assertThat(r.out()).isEmpty();
        assertThat(retention.exitCode()).as(retention.all()).isEqualTo(2);
        assertThat(retention.err()).contains("42");
        assertThat(anyOfIt()).isEmpty();
    }
}
