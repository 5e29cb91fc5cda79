package io.discordination.ops.registry;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SandboxOperator;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox's control plane for the lease tests: its registry table (deploy/control-plane.yaml,
 * deployed at up), operators as distinct IAM users ({@link Sandbox#operator}), and an environment
 * file per operator: the sandbox's local.yaml under another name, with the operator's access key
 * written in (an in-process command reads no per-call variables) and the probe's folder as
 * {@code logs.probe}. Lease items are read with an SDK client built here.
 */
final class ControlPlaneFixture {
    static final String TABLE = SeedData.REGISTRY_TABLE;

    private final SandboxInfo info;
    private final Sandbox sandbox;
    final DynamoDbClient dynamo;

    ControlPlaneFixture(Sandbox sandbox) {
        this.sandbox = sandbox;
        this.info = sandbox.info();
        this.dynamo = client(DynamoDbClient.builder(), info.accessKeyId(), info.secretAccessKey());
    }

    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String keyId, String secret) {
        return builder.endpointOverride(URI.create(info.awsEndpoint())).region(Region.of(info.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(keyId, secret)))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    SandboxOperator operator(String name) {
        return sandbox.operator(name);
    }

    /**
     * The sandbox's environment file as {@code operator} uses it: named {@code name} (its leases and
     * audit apart from other tests' runs in {@code local}), with the operator's access key and the
     * probe folder {@code probe} as {@code logs.probe}; its {@code registry:} section is the sandbox's.
     */
    Path environmentFile(Path dir, String name, SandboxOperator operator, Path probe) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(info.environmentFile())) {
            if (line.startsWith("name:")) line = "name: " + name;
            else if (line.startsWith("  accessKeyId:")) line = "  accessKeyId: " + operator.accessKeyId();
            else if (line.startsWith("  secretAccessKey:")) line = "  secretAccessKey: " + operator.secretAccessKey();
            lines.add(line);
            if (line.equals("logs:")) lines.add("  probe: " + probe);
        }
        if (lines.stream().noneMatch(l -> l.startsWith("registry:"))) {
            throw new IllegalStateException(info.environmentFile() + " has no registry: section; run ./ops sandbox down && ./ops sandbox up");
        }
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
