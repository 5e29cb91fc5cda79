package io.discordination.ops.secrets;

import io.discordination.ops.HandleContext;
import io.discordination.ops.topology.SecretsTopology;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.Awaited;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.aws.Poller;
import io.discordination.ops.aws.ShortNames;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One Secrets Manager secret by short name ({@code jwt-secret}) or id
 * ({@code discordination/jwt-secret}): its description and rotation. No method returns or prints
 * the value.
 *
 * <pre>{@code secret("jwt-secret").rotate();}</pre>
 */
public final class SecretsManagerSecret {
    /**
     * {@link #rotate}: RotateSecret, which runs the secret's rotation function; the request token becomes the new
     * version's id (ops makes it up first, so the command shows the id the new version will have).
     */
    public static final CommandTemplate ROTATE = CommandTemplate.of(
            "aws secretsmanager rotate-secret --secret-id <secret_id> --client-request-token <client_request_token>");
    /** {@link #restorePrevious}: AWSCURRENT moved back to an earlier version. */
    private static final CommandTemplate MOVE_CURRENT = CommandTemplate.of("aws secretsmanager update-secret-version-stage"
            + " --secret-id <secret_id> --version-stage AWSCURRENT --move-to-version-id <version> --remove-from-version-id <current>");
    /** What moving AWSCURRENT back leaves as it is: the plan of an undo says so. */
    static final String NOT_UNDONE_BY_MOVING_BACK = "moves AWSCURRENT only: what the rotation function changed outside Secrets"
            + " Manager (PostgreSQL's password, for the database secret) stays new, and the services keep the value they loaded"
            + " until they are redeployed (ops run rotate-secrets redeploys them)";
    private static final CommandTemplate ROTATE_AGAIN = CommandTemplate.of("aws secretsmanager rotate-secret --secret-id <secret_id>");
    private final HandleContext context;
    private final SecretsManagerClient client;
    private final String secretId;
    private final AwsErrors aws;

    public SecretsManagerSecret(SecretsTopology secrets, SecretsManagerClient client, HandleContext context, String name) {
        this.context = context;
        this.client = client;
        this.secretId = ShortNames.resolve(secrets.ids(), "secrets", name, "secret", context.environment());
        this.aws = AwsErrors.of(context.environment(), "secretsmanager");
    }

    public String secretId() {
        return secretId;
    }

    private SecretsManagerClient sm() {
        return client;
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

    /** How long {@link #rotate()} waits for the rotation function's four steps. */
    public static final Duration DEFAULT_ROTATION_TIMEOUT = Duration.ofMinutes(5);

    /** {@link #rotate(Duration)} waiting at most {@link #DEFAULT_ROTATION_TIMEOUT}. */
    public SecretRotation rotate() {
        return rotate(DEFAULT_ROTATION_TIMEOUT);
    }

    /**
     * Rotates the secret with its rotation function ({@code RotateSecret}) and returns only when the
     * rotation has finished: the new version is AWSCURRENT (the old one AWSPREVIOUS) and no version
     * is AWSPENDING any more. Whatever reads the secret (api and gateway) can be restarted after
     * that, never before. Secrets Manager runs the function's four steps (createSecret, setSecret,
     * testSecret, finishSecret) after {@code RotateSecret} has answered; for the database password
     * setSecret changes the password in PostgreSQL.
     * <p>
     * Refused (exit 3, nothing changed) when the secret has no rotation function, in every
     * environment: only the stored value could change then, and what checks it (PostgreSQL) would
     * keep the old one. Also refused while an earlier rotation has not finished.
     * <p>
     * Destructive, so it is confirmed. If the function fails or takes longer than {@code timeout},
     * the rotation stays incomplete (the new version AWSPENDING, the old one still AWSCURRENT) and
     * this fails saying so. No value is ever read or printed.
     * <p>Cost: DescribeSecret and ListSecretVersionIds before, one RotateSecret, then one
     * DescribeSecret per check (every 1 s, growing to 5 s) until done or {@code timeout}.
     */
    public SecretRotation rotate(Duration timeout) {
        SecretInfo before = describe();
        if (!before.rotationConfigured()) {
            throw OpsException.builder("Refused to rotate " + secretId + ": it has no rotation function (RotationEnabled "
                            + before.rotationEnabled() + ", RotationLambdaARN " + (before.rotationLambdaArn() == null
                            || before.rotationLambdaArn().isBlank() ? "absent" : before.rotationLambdaArn())
                            + "), so only the stored value could change and whatever checks it would keep the old one")
                    .service("secretsmanager").environment(context.environment().name()).resource(secretId)
                    .hint("configure its rotation function first (aws secretsmanager rotate-secret --secret-id " + secretId
                            + " --rotation-lambda-arn ARN --rotation-rules AutomaticallyAfterDays=30 --no-rotate-immediately); "
                            + "nothing was changed").refused();
        }
        String pending = before.versionWith("AWSPENDING");
        if (pending != null && !pending.equals(before.currentVersionId())) {
            throw OpsException.builder("Refused to rotate " + secretId + ": an earlier rotation has not finished (version "
                            + pending + " is AWSPENDING)")
                    .service("secretsmanager").environment(context.environment().name()).resource(secretId)
                    .hint("see why in the rotation function's logs (aws logs tail /aws/lambda/" + functionName(before.rotationLambdaArn())
                            + "); RotateSecret retries it; nothing was changed").refused();
        }
        String previous = before.currentVersionId();
        // our own version id: Secrets Manager uses the client request token as the new version's id
        String newVersion = UUID.randomUUID().toString();
        // moving AWSCURRENT back would not undo what the function changed outside Secrets Manager
        // (PostgreSQL keeps the new password): the way back is another rotation
        String inverse = "rotate again (" + ROTATE_AGAIN.with("secret_id", secretId).render()
                + "); moving AWSCURRENT back to " + previous + " would not undo what the rotation function changed";
        Effect effect = Effect.on("aws", "secret " + secretId).verb("rotate-secret")
                .param("secretId", secretId).param("method", "rotate-secret")
                .param("rotationFunction", before.rotationLambdaArn())
                .param("previousVersion", previous)
                .destructive()
                .inverse(inverse)
                .command(ROTATE.with("secret_id", secretId).with("client_request_token", newVersion))
                .build();
        return context.gate().apply(effect, () -> {
            String made = aws.call("secretsmanager:RotateSecret", where(),
                    () -> sm().rotateSecret(b -> b.secretId(secretId).clientRequestToken(newVersion)).versionId());
            Awaited<Map<String, List<String>>> finished = Poller.<Map<String, List<String>>>of(context,
                            "Waiting for the rotation of " + secretId)
                    .until("rotated", stages -> stages.getOrDefault(made, List.of()).contains("AWSCURRENT")
                            && stages.values().stream().noneMatch(v -> v.contains("AWSPENDING")))
                    .failWhen(stages -> stages.containsKey(made) ? null : "version " + made + " is gone")
                    .describe(stages -> describeStages(stages, made))
                    .interval(Duration.ofSeconds(1), Duration.ofSeconds(5))
                    .poll(() -> aws.call("secretsmanager:DescribeSecret", where(),
                            () -> sm().describeSecret(b -> b.secretId(secretId)).versionIdsToStages()), timeout);
            String previousAfter = finished.result().entrySet().stream().filter(e -> e.getValue().contains("AWSPREVIOUS"))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            return new SecretRotation(secretId, "rotate-secret", previous, made, made, previousAfter, false,
                    finished.attempts(), finished.elapsed(), effect);
        }, () -> new SecretRotation(secretId, "rotate-secret", previous, null, null, null, true, 0, Duration.ZERO, effect),
                done -> previous == null ? null : moveBackEffect(previous, done.newVersionId()));
    }

    private Effect moveBackEffect(String version, String current) {
        return Effect.on("aws", "secret " + secretId).verb("restore-previous-version")
                .param("secretId", secretId).param("version", version).param("current", current)
                .param("note", NOT_UNDONE_BY_MOVING_BACK).destructive()
                .command(MOVE_CURRENT.with("secret_id", secretId).with("version", version).with("current", current)).build();
    }

    /**
     * Moves AWSCURRENT back from {@code current} to {@code version} ({@code UpdateSecretVersionStage}):
     * the inverse of {@link #rotate}, which {@code ops undo} runs. Refused when {@code current} is no
     * longer AWSCURRENT (rotated again since). Destructive. It {@value #NOT_UNDONE_BY_MOVING_BACK}.
     *
     * <pre>{@code secret("jwt-secret").restorePrevious(rotation.previousVersionId(), rotation.newVersionId());}</pre>
     */
    public SecretRotation restorePrevious(String version, String current) {
        SecretInfo before = describe();
        if (!current.equals(before.currentVersionId())) {
            throw OpsException.builder("Refused to move AWSCURRENT of " + secretId + " back to " + version + ": the current version is "
                            + before.currentVersionId() + ", not " + current + " (rotated again since)")
                    .service("secretsmanager").environment(context.environment().name()).resource(secretId)
                    .hint("nothing was changed").refused();
        }
        Effect effect = moveBackEffect(version, current);
        return context.gate().apply(effect, () -> {
            aws.call("secretsmanager:UpdateSecretVersionStage", where(), () -> sm().updateSecretVersionStage(b -> b.secretId(secretId)
                    .versionStage("AWSCURRENT").moveToVersionId(version).removeFromVersionId(current)));
            SecretInfo after = describe();
            return new SecretRotation(secretId, "move AWSCURRENT back", current, version, after.currentVersionId(),
                    after.versionWith("AWSPREVIOUS"), false, 0, Duration.ZERO, effect);
        }, () -> new SecretRotation(secretId, "move AWSCURRENT back", current, version, null, null, true, 0, Duration.ZERO, effect));
    }

    private static String describeStages(Map<String, List<String>> stages, String made) {
        List<String> madeStages = stages.getOrDefault(made, List.of());
        return "version " + made + " is " + (madeStages.isEmpty() ? "without a stage" : String.join(",", madeStages))
                + (madeStages.contains("AWSPENDING") ? " (the rotation function has not finished, or failed: see its logs)" : "");
    }

    private static String functionName(String arn) {
        if (arn == null) return "";
        int at = arn.indexOf(":function:");
        return at < 0 ? arn : arn.substring(at + ":function:".length()).split(":")[0];
    }

    @Override
    public String toString() {
        return "secret " + secretId;
    }
}
