package io.discordination.ops.registry;

import io.discordination.ops.sandbox.SandboxInfo;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox's control plane for the lease tests: the registry table (created here with the
 * contract's schema when the sandbox has none yet), operators as distinct IAM users of moto with
 * their own access keys, and an environment file per operator naming the table, with the probe's
 * folder as {@code logs.probe}. Everything is checked with SDK clients built here.
 */
final class ControlPlaneFixture {
    static final String TABLE = "discordination-ops";

    /** An operator: an IAM user's ARN and access key. */
    record Operator(String name, String arn, String accessKeyId, String secretAccessKey) {
    }

    private final SandboxInfo sandbox;
    final DynamoDbClient dynamo;

    ControlPlaneFixture(SandboxInfo sandbox) {
        this.sandbox = sandbox;
        this.dynamo = client(DynamoDbClient.builder(), sandbox.accessKeyId(), sandbox.secretAccessKey());
        ensureTable();
    }

    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String keyId, String secret) {
        return builder.endpointOverride(URI.create(sandbox.awsEndpoint())).region(Region.of(sandbox.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** The table as docs/control-plane.md specifies it: pk/sk, GSI by-kind (kind, at), TTL on ttl. */
    private void ensureTable() {
        try {
            dynamo.describeTable(b -> b.tableName(TABLE));
            return;
        } catch (ResourceNotFoundException absent) {
            // created below
        }
        try {
            dynamo.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(attribute("pk"), attribute("sk"), attribute("kind"), attribute("at"))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                    .globalSecondaryIndexes(g -> g.indexName("by-kind")
                            .keySchema(k -> k.attributeName("kind").keyType(KeyType.HASH), k -> k.attributeName("at").keyType(KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL))));
            dynamo.updateTimeToLive(b -> b.tableName(TABLE).timeToLiveSpecification(t -> t.attributeName("ttl").enabled(true)));
        } catch (ResourceInUseException createdMeanwhile) {
            // another test created it
        }
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    /** A distinct IAM user of the sandbox with a new access key: a second operator's identity. */
    Operator operator(String name) {
        try (IamClient iam = client(IamClient.builder().region(Region.AWS_GLOBAL), sandbox.accessKeyId(), sandbox.secretAccessKey())) {
            String arn;
            try {
                arn = iam.createUser(b -> b.userName(name)).user().arn();
            } catch (EntityAlreadyExistsException exists) {
                arn = iam.getUser(b -> b.userName(name)).user().arn();
            }
            // a user has at most two keys: the earlier test runs' go
            String user = name;
            iam.listAccessKeys(b -> b.userName(user)).accessKeyMetadata()
                    .forEach(k -> iam.deleteAccessKey(b -> b.userName(user).accessKeyId(k.accessKeyId())));
            AccessKey key = iam.createAccessKey(b -> b.userName(name)).accessKey();
            return new Operator(name, arn, key.accessKeyId(), key.secretAccessKey());
        }
    }

    /**
     * The sandbox's environment file as {@code operator} uses it: named {@code name}, with the
     * operator's access key, the probe folder {@code probe} as {@code logs.probe} and a
     * {@code registry:} section naming the table.
     */
    Path environmentFile(Path dir, String name, Operator operator, Path probe) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean skipping = false;
        for (String line : Files.readAllLines(sandbox.environmentFile())) {
            boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#");
            if (topLevel) skipping = line.startsWith("registry:") || line.startsWith("audit:");
            if (skipping) continue;
            if (line.startsWith("name:")) line = "name: " + name;
            else if (line.startsWith("  accessKeyId:")) line = "  accessKeyId: " + operator.accessKeyId();
            else if (line.startsWith("  secretAccessKey:")) line = "  secretAccessKey: " + operator.secretAccessKey();
            lines.add(line);
            if (line.equals("logs:")) lines.add("  probe: " + probe);
        }
        lines.add("registry:");
        lines.add("  table: " + TABLE);
        lines.add("  auditLogGroup: /discordination/ops/audit");
        lines.add("  journalBucket: discordination-ops");
        Files.createDirectories(dir);
        Files.createDirectories(probe);
        Path file = dir.resolve(name + "-" + operator.name() + ".yaml");
        Files.write(file, lines);
        return file;
    }

    /** The lease item of {@code target} in {@code environment}, read consistently. */
    Optional<Map<String, AttributeValue>> leaseItem(String environment, String target) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(TABLE).key(DynamoLeases.key(environment, target))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    static long number(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? Long.parseLong(item.get(name).n()) : 0;
    }

    static String text(Map<String, AttributeValue> item, String name) {
        return item.containsKey(name) ? item.get(name).s() : null;
    }
}
