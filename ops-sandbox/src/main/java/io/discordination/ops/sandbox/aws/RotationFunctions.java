package io.discordination.ops.sandbox.aws;

import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The Secrets Manager rotation functions of the sandbox's two secrets, as the sandbox agent plays
 * them: the four steps of AWS's rotation contract, written after AWS's own single-user PostgreSQL
 * template. Secrets Manager (moto with the sandbox's patch) invokes them one step at a time.
 * <ul>
 *   <li>{@code createSecret}: a new random value as the AWSPENDING version of the token, unless it
 *       has one already (a retried rotation);</li>
 *   <li>{@code setSecret}: for the database password, {@code ALTER ROLE} on the sandbox PostgreSQL,
 *       logged in as the application role with the pending value (already set?), else the current,
 *       else the previous one; the JWT secret has nothing outside Secrets Manager to set;</li>
 *   <li>{@code testSecret}: logs in with the pending password (the JWT secret: checks its strength);</li>
 *   <li>{@code finishSecret}: moves AWSCURRENT to the token's version (AWSPREVIOUS follows).</li>
 * </ul>
 * No value is ever logged.
 *
 * <pre>{@code functions.invoke("discordination-rotate-db-password", "createSecret", secretArn, token);}</pre>
 */
public final class RotationFunctions {
    private static final int PASSWORD_LENGTH = 32;
    private static final int JWT_LENGTH = 64;

    private final SecretsManagerClient secrets;
    private final IntSupplier postgresPort;
    private final Consumer<String> log;

    /** {@code postgresPort} is asked at every invocation: the server may have moved since the agent started. */
    public RotationFunctions(SecretsManagerClient secrets, IntSupplier postgresPort, Consumer<String> log) {
        this.secrets = secrets;
        this.postgresPort = postgresPort;
        this.log = log;
    }

    /** Runs one step; throws (the invocation fails) when the step cannot be done. */
    public void invoke(String function, String step, String secretId, String token) {
        boolean database = switch (function) {
            case SeedData.DB_PASSWORD_ROTATION_FUNCTION -> true;
            case SeedData.JWT_SECRET_ROTATION_FUNCTION -> false;
            default -> throw new SandboxException("Function not found: " + function);
        };
        DescribeSecretResponse metadata = secrets.describeSecret(b -> b.secretId(secretId));
        if (!Boolean.TRUE.equals(metadata.rotationEnabled())) {
            throw new SandboxException("Secret " + metadata.name() + " is not enabled for rotation");
        }
        Map<String, List<String>> versions = metadata.versionIdsToStages();
        if (!versions.containsKey(token)) {
            throw new SandboxException("Secret version " + token + " has no stage for rotation of secret " + metadata.name());
        }
        if (versions.get(token).contains("AWSCURRENT")) {
            log.accept(function + " " + step + ": version " + token + " of " + metadata.name() + " is already AWSCURRENT");
            return;
        }
        if (!versions.get(token).contains("AWSPENDING")) {
            throw new SandboxException("Secret version " + token + " not set as AWSPENDING for rotation of secret " + metadata.name());
        }
        switch (step) {
            case "createSecret" -> createSecret(secretId, token, database ? PASSWORD_LENGTH : JWT_LENGTH);
            case "setSecret" -> {
                if (database) setPassword(secretId, token);
            }
            case "testSecret" -> {
                if (database) testPassword(secretId, token);
                else if (value(secretId, token, "AWSPENDING").orElse("").length() < JWT_LENGTH) {
                    throw new SandboxException("the pending JWT secret is shorter than " + JWT_LENGTH + " characters");
                }
            }
            case "finishSecret" -> finishSecret(secretId, token, versions);
            default -> throw new SandboxException("Invalid step parameter " + step + " for secret " + metadata.name());
        }
        log.accept(function + " " + step + " done for version " + token + " of " + metadata.name());
    }

    private void createSecret(String secretId, String token, int length) {
        // the current value must exist, as in AWS's template
        value(secretId, null, "AWSCURRENT").orElseThrow(() -> new SandboxException("the secret has no AWSCURRENT value"));
        if (value(secretId, token, "AWSPENDING").isPresent()) return;
        String fresh = secrets.getRandomPassword(b -> b.passwordLength((long) length).excludePunctuation(true)).randomPassword();
        secrets.putSecretValue(b -> b.secretId(secretId).clientRequestToken(token).secretString(fresh).versionStages("AWSPENDING"));
    }

    private void setPassword(String secretId, String token) {
        String pending = value(secretId, token, "AWSPENDING").orElseThrow(() -> new SandboxException("no AWSPENDING value"));
        if (canLogIn(pending)) return;
        for (String stage : List.of("AWSCURRENT", "AWSPREVIOUS")) {
            Optional<String> known = value(secretId, null, stage);
            if (known.isEmpty()) continue;
            try (Connection c = connect(known.get()); Statement st = c.createStatement()) {
                // ALTER ROLE takes no bind parameters; the value is quoted as a literal
                st.execute("ALTER ROLE " + SeedData.DATABASE_USER + " PASSWORD '" + pending.replace("'", "''") + "'");
                return;
            } catch (SQLException e) {
                if (!"28P01".equals(e.getSQLState())) throw new SandboxException("setSecret: ALTER ROLE failed: " + e.getMessage(), e);
            }
        }
        throw new SandboxException("setSecret: neither the current nor the previous password logs in as " + SeedData.DATABASE_USER);
    }

    private void testPassword(String secretId, String token) {
        String pending = value(secretId, token, "AWSPENDING").orElseThrow(() -> new SandboxException("no AWSPENDING value"));
        try (Connection c = connect(pending); Statement st = c.createStatement()) {
            st.executeQuery("SELECT now()").close();
        } catch (SQLException e) {
            throw new SandboxException("testSecret: the pending password does not log in as " + SeedData.DATABASE_USER
                    + " (SQLSTATE " + e.getSQLState() + ")", e);
        }
    }

    private void finishSecret(String secretId, String token, Map<String, List<String>> versions) {
        String current = versions.entrySet().stream().filter(e -> e.getValue().contains("AWSCURRENT")).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        secrets.updateSecretVersionStage(b -> b.secretId(secretId).versionStage("AWSCURRENT").moveToVersionId(token)
                .removeFromVersionId(current));
    }

    private Optional<String> value(String secretId, String versionId, String stage) {
        try {
            return Optional.ofNullable(secrets.getSecretValue(b -> b.secretId(secretId).versionId(versionId).versionStage(stage))
                    .secretString());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    private boolean canLogIn(String password) {
        try (Connection ignored = connect(password)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection connect(String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SeedData.DATABASE_USER);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "secrets-rotation");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgresPort.getAsInt() + "/" + SeedData.DATABASE, props);
    }
}
