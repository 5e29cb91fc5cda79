package io.discordination.ops.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.Secret;
import io.discordination.ops.aws.AwsCommand;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.aws.ShortNames;
import io.discordination.ops.gate.Effect;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * One Secrets Manager secret by short name ({@code jwt-secret}) or id
 * ({@code discordination/jwt-secret}): its description and rotation. No method returns or prints
 * the value.
 *
 * <pre>{@code secret("jwt-secret").rotate();}</pre>
 */
public final class SecretsManagerSecret {
    /** Length of a generated value; punctuation is left out so it survives URLs and shell quoting. */
    static final long PASSWORD_LENGTH = 48;

    private final OpsContext context;
    private final String secretId;
    private final AwsErrors aws;

    public SecretsManagerSecret(OpsContext context, String name) {
        this.context = context;
        this.secretId = ShortNames.resolve(context.environment(), "secrets", name, "secret");
        this.aws = AwsErrors.of(context.environment(), "secretsmanager");
    }

    public String secretId() {
        return secretId;
    }

    private SecretsManagerClient sm() {
        return context.awsClient(SecretsManagerClient.class, SecretsManagerClient::builder);
    }

    private String where() {
        return "secret " + secretId;
    }

    /** Rotation settings and versions with their stages; no value. */
    public SecretInfo describe() {
        DescribeSecretResponse d = aws.call("secretsmanager:DescribeSecret", where(),
                () -> sm().describeSecret(b -> b.secretId(secretId)));
        List<SecretInfo.Version> versions = new ArrayList<>();
        aws.call("secretsmanager:ListSecretVersionIds", where(), () -> {
            sm().listSecretVersionIdsPaginator(b -> b.secretId(secretId)).forEach(page -> page.versions().forEach(v ->
                    versions.add(new SecretInfo.Version(v.versionId(), List.copyOf(v.versionStages()), v.createdDate()))));
            return null;
        });
        versions.sort(Comparator.comparing(SecretInfo.Version::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return new SecretInfo(secretId, d.arn(), Boolean.TRUE.equals(d.rotationEnabled()), d.rotationLambdaARN(),
                d.lastRotatedDate(), d.lastChangedDate(), List.copyOf(versions));
    }

    /**
     * Rotates the secret. Where rotation is configured (enabled, with a rotation function) this is
     * {@code RotateSecret}, which runs that function. Otherwise a new random value
     * ({@code GetRandomPassword}) is put as the AWSCURRENT version and the old one becomes
     * AWSPREVIOUS; for a JSON secret only its {@code password} field is replaced. In that case only
     * the stored value changes: whatever checks it (PostgreSQL for the database password) must be
     * changed to match, and the services must be redeployed to read it.
     * <p>
     * Destructive, so it is confirmed: the JWT secret invalidates every session, the database
     * password breaks connections until everything uses the new one. The inverse moves AWSCURRENT
     * back to the previous version. The new value is registered with the redactor and never printed.
     */
    public SecretRotation rotate() {
        SecretInfo before = describe();
        boolean configured = before.rotationConfigured();
        String previous = before.currentVersionId();
        // our own version id: Secrets Manager uses the client request token as the new version's id
        String newVersion = UUID.randomUUID().toString();
        String command = configured
                ? AwsCommand.of("secretsmanager", "rotate-secret").option("--secret-id", secretId).toString()
                : AwsCommand.of("secretsmanager", "put-secret-value").option("--secret-id", secretId)
                .option("--version-stages", "AWSCURRENT")
                .optionRaw("--secret-string", "\"$(aws secretsmanager get-random-password --password-length " + PASSWORD_LENGTH
                        + " --exclude-punctuation --query RandomPassword --output text)\"").toString();
        String inverse = previous == null ? null
                : AwsCommand.of("secretsmanager", "update-secret-version-stage").option("--secret-id", secretId)
                .option("--version-stage", "AWSCURRENT").option("--move-to-version-id", previous)
                .option("--remove-from-version-id", newVersion).toString();
        Effect effect = Effect.on("aws", "secret " + secretId).verb("rotate-secret")
                .param("secretId", secretId).param("method", configured ? "rotate-secret" : "new-random-value")
                .param("previousVersion", previous)
                .destructive()
                .inverse(inverse)
                .command(command)
                .build();
        String method = configured ? "rotate-secret" : "new-random-value";
        return context.gate().apply(effect, () -> {
            String made;
            if (configured) {
                made = aws.call("secretsmanager:RotateSecret", where(),
                        () -> sm().rotateSecret(b -> b.secretId(secretId).clientRequestToken(newVersion)).versionId());
            } else {
                Secret value = newValue(previous);
                made = aws.call("secretsmanager:PutSecretValue", where(), () -> sm().putSecretValue(b -> b.secretId(secretId)
                        .clientRequestToken(newVersion).secretString(value.reveal()).versionStages("AWSCURRENT")).versionId());
            }
            SecretInfo after = describe();
            return new SecretRotation(secretId, method, previous, made, after.currentVersionId(), after.previousVersionId(), false);
        }, () -> new SecretRotation(secretId, method, previous, null, null, null, true));
    }

    /** A new random value; for a JSON secret, the current JSON with only its password replaced. */
    private Secret newValue(String currentVersion) {
        String random = aws.call("secretsmanager:GetRandomPassword", where(), () -> sm().getRandomPassword(b -> b
                .passwordLength(PASSWORD_LENGTH).excludePunctuation(true)).randomPassword());
        Secret fresh = Secret.of(random);
        context.redactor().register(fresh);
        if (currentVersion == null) return fresh;
        String current = aws.call("secretsmanager:GetSecretValue", where(),
                () -> sm().getSecretValue(b -> b.secretId(secretId).versionId(currentVersion)).secretString());
        if (current == null || !current.strip().startsWith("{")) return fresh;
        context.redactor().register(Secret.of(current));
        try {
            JsonNode node = Json.mapper().readTree(current);
            if (node instanceof ObjectNode object && object.hasNonNull("password")) {
                JsonNode password = object.get("password");
                if (password.isTextual()) context.redactor().register(Secret.of(password.asText()));
                object.put("password", random);
                Secret json = Secret.of(Json.write(object));
                context.redactor().register(json);
                return json;
            }
        } catch (IOException notJson) {
            // a value that only looks like JSON is replaced whole
        }
        return fresh;
    }

    @Override
    public String toString() {
        return "secret " + secretId;
    }
}
