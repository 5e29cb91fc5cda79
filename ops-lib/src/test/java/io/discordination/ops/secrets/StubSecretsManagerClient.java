package io.discordination.ops.secrets;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretVersionIdsRequest;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretVersionIdsResponse;
import software.amazon.awssdk.services.secretsmanager.model.RotateSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.RotateSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Secrets Manager client holding one secret's versions and stages in memory. RotateSecret
 * finishes at once, as a rotation function that has run its four steps would: the new version
 * (the request token) becomes AWSCURRENT and the old one AWSPREVIOUS. No value is ever held.
 */
final class StubSecretsManagerClient implements SecretsManagerClient {
    static final String ROTATION_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:discordination-rotate-jwt";

    final List<RotateSecretRequest> rotations = new CopyOnWriteArrayList<>();
    final List<String> operations = new CopyOnWriteArrayList<>();
    private final String secretId;
    private final String rotationFunction;
    private final Map<String, List<String>> stages = new LinkedHashMap<>();

    StubSecretsManagerClient(String secretId, String rotationFunction, String currentVersion) {
        this.secretId = secretId;
        this.rotationFunction = rotationFunction;
        stages.put(currentVersion, List.of("AWSCURRENT"));
    }

    @Override
    public synchronized DescribeSecretResponse describeSecret(DescribeSecretRequest request) {
        operations.add("DescribeSecret");
        return DescribeSecretResponse.builder().arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:" + secretId + "-AbCdEf")
                .name(secretId).rotationEnabled(rotationFunction != null).rotationLambdaARN(rotationFunction)
                .versionIdsToStages(Map.copyOf(stages)).build();
    }

    @Override
    public synchronized ListSecretVersionIdsResponse listSecretVersionIds(ListSecretVersionIdsRequest request) {
        operations.add("ListSecretVersionIds");
        List<SecretVersionsListEntry> versions = new ArrayList<>();
        stages.forEach((id, s) -> versions.add(SecretVersionsListEntry.builder().versionId(id).versionStages(s)
                .createdDate(Instant.parse("2026-11-01T00:00:00Z")).build()));
        return ListSecretVersionIdsResponse.builder().versions(versions).build();
    }

    @Override
    public synchronized RotateSecretResponse rotateSecret(RotateSecretRequest request) {
        operations.add("RotateSecret");
        rotations.add(request);
        String made = request.clientRequestToken();
        stages.replaceAll((id, s) -> s.contains("AWSCURRENT") ? List.of("AWSPREVIOUS") : List.of());
        stages.values().removeIf(List::isEmpty);
        stages.put(made, List.of("AWSCURRENT"));
        return RotateSecretResponse.builder().arn(secretId).versionId(made).build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
