package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * A leaked secret: the database password ({@code discordination/db-password}, the application
 * role's) was pushed to a public repository, and secret scanning reported it. Nothing in the
 * sandbox looks broken: the incident is that the credential everything runs with is known to
 * others. The leaked value is the seeded version (the oldest); the probes check what a rotation
 * must achieve: a new AWSCURRENT with the leaked one AWSPREVIOUS, the leaked password refused by
 * PostgreSQL, and api and gateway restarted after the rotation (so they run with the new one).
 *
 * <pre>{@code new RotateSecrets().probes();   // all fail until the secret is rotated and the services redeployed}</pre>
 */
public final class RotateSecrets implements Scenario {
    static final String SECRET = SeedData.DB_PASSWORD_SECRET_ID;

    @Override
    public String name() {
        return "rotate-secrets";
    }

    @Override
    public String symptoms() {
        return "Secret scanning alert: the value of " + SECRET + " (the application's database password) "
                + "was pushed to a public repository an hour ago.";
    }

    /** The leak itself changes nothing in the sandbox: the current value is simply known to others now. */
    @Override
    public void breakIt(SandboxAccess sandbox) {
        if (leakedVersion(sandbox).isEmpty()) throw new IllegalStateException(SECRET + " has no version");
    }

    /** The leaked version: the one that was current when the alert came, the seeded (oldest) one. */
    private static Optional<SecretVersionsListEntry> leakedVersion(SandboxAccess sandbox) {
        return versions(sandbox).stream().min(Comparator.comparing(SecretVersionsListEntry::createdDate));
    }

    private static List<SecretVersionsListEntry> versions(SandboxAccess sandbox) {
        return sandbox.aws().secrets().listSecretVersionIds(r -> r.secretId(SECRET).includeDeprecated(true)).versions();
    }

    @Override
    public List<Probe> probes() {
        return List.of(
                new Probe(SECRET + ": a new version is AWSCURRENT and the leaked one AWSPREVIOUS", sandbox -> {
                    SecretVersionsListEntry leaked = leakedVersion(sandbox).orElseThrow();
                    Optional<SecretVersionsListEntry> current = versions(sandbox).stream()
                            .filter(v -> v.versionStages().contains("AWSCURRENT")).findFirst();
                    boolean rotated = current.isPresent() && !current.get().versionId().equals(leaked.versionId())
                            && leaked.versionStages().contains("AWSPREVIOUS");
                    return Observation.of(rotated, "leaked version " + shortId(leaked.versionId()) + " is " + leaked.versionStages()
                            + ", AWSCURRENT " + current.map(v -> shortId(v.versionId())).orElse("none"));
                }),
                new Probe("the leaked password no longer logs in as " + SeedData.DATABASE_USER, sandbox -> {
                    SecretVersionsListEntry leaked = leakedVersion(sandbox).orElseThrow();
                    String value = sandbox.aws().secrets().getSecretValue(r -> r.secretId(SECRET).versionId(leaked.versionId())).secretString();
                    SandboxInfo info = sandbox.info();
                    Properties props = new Properties();
                    props.setProperty("user", info.databaseUser());
                    props.setProperty("password", value);
                    props.setProperty("ApplicationName", "drill-probe");
                    try (Connection ignored = DriverManager.getConnection(info.jdbcUrl(), props)) {
                        return Observation.fail("PostgreSQL accepts the leaked password");
                    } catch (SQLException e) {
                        // 28P01: invalid_password; anything else (a full server) says nothing about the password
                        return Observation.of("28P01".equals(e.getSQLState()), "login refused: SQLSTATE " + e.getSQLState());
                    }
                }),
                new Probe("api and gateway run only tasks started after the rotation", sandbox -> {
                    SecretVersionsListEntry leaked = leakedVersion(sandbox).orElseThrow();
                    Optional<SecretVersionsListEntry> current = versions(sandbox).stream()
                            .filter(v -> v.versionStages().contains("AWSCURRENT")).findFirst();
                    if (current.isEmpty() || current.get().versionId().equals(leaked.versionId())) {
                        return Observation.fail("not rotated: the services run with the leaked password");
                    }
                    Instant rotatedAt = current.get().createdDate();
                    List<String> stale = new ArrayList<>();
                    int running = 0;
                    for (String service : SeedData.SERVICES) {
                        List<String> arns = sandbox.aws().ecs().listTasks(r -> r.cluster(SeedData.CLUSTER).serviceName(service)).taskArns();
                        if (arns.isEmpty()) {
                            stale.add(service + ": no task");
                            continue;
                        }
                        for (Task t : sandbox.aws().ecs().describeTasks(r -> r.cluster(SeedData.CLUSTER).tasks(arns)).tasks()) {
                            if (!"RUNNING".equals(t.lastStatus())) continue;
                            running++;
                            if (t.startedAt() == null || !t.startedAt().isAfter(rotatedAt)) stale.add(service + " " + shortId(t.taskArn()));
                        }
                    }
                    return Observation.of(stale.isEmpty() && running > 0, stale.isEmpty()
                            ? running + " tasks, all started after the rotation" : "started before the rotation: " + String.join(", ", stale));
                }));
    }

    private static String shortId(String id) {
        String tail = id.substring(id.lastIndexOf('/') + 1);
        return tail.length() > 8 ? tail.substring(0, 8) : tail;
    }

    @Override
    public Map<String, String> runbookParams(SandboxAccess sandbox) {
        return Map.of("secret", "db-password");
    }

    /** The rotation changes the secret's versions in moto and the role's password in PostgreSQL; the redeploys ECS. */
    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO, Sandbox.POSTGRES);
    }
}
