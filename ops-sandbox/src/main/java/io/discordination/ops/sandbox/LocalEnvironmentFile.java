package io.discordination.ops.sandbox;

import io.discordination.ops.topology.AwsTopology;
import io.discordination.ops.topology.EcsTopology;
import io.discordination.ops.topology.LiveKitTopology;
import io.discordination.ops.topology.LogsTopology;
import io.discordination.ops.topology.PostgresTopology;
import io.discordination.ops.topology.RdsTopology;
import io.discordination.ops.topology.RedisTopology;
import io.discordination.ops.topology.RegistryTopology;
import io.discordination.ops.topology.S3Topology;
import io.discordination.ops.topology.SecretsTopology;
import io.discordination.ops.topology.Setting;
import io.discordination.ops.topology.SettingList;
import io.discordination.ops.topology.Topology;
import io.discordination.ops.topology.TopologyFiles;
import io.discordination.ops.topology.WafTopology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the {@code local} environment: the records of environments/prod.yaml's schema
 * ({@link Topology}), production's names, and the sandbox's concrete endpoints, credentials and
 * ids instead of {@code ${VAR}}s, serialized by the same code that reads every environment.
 *
 * <pre>{@code LocalEnvironmentFile.write(info);}</pre>
 */
final class LocalEnvironmentFile {
    private static final String HEADER = """
            # The local sandbox (written by `ops sandbox up`; rewritten by every up and reset).
            # Same schema and production names as environments/prod.yaml (docs/environments.md), concrete local values.
            """;

    private LocalEnvironmentFile() {
    }

    /** The sandbox's topology: what the library reads back from {@code local.yaml}. */
    static Topology topology(SandboxInfo info) {
        return new Topology("local", false,
                new AwsTopology(Setting.of(info.region()), Setting.of(info.awsEndpoint()),
                        // static credentials the emulator accepts; a second operator's shell gives its IAM user's
                        // (ops sandbox env --operator NAME)
                        overridable(SandboxOperator.ACCESS_KEY_VARIABLE, info.accessKeyId()),
                        overridable(SandboxOperator.SECRET_KEY_VARIABLE, info.secretAccessKey()), null),
                new EcsTopology(Setting.of(SeedData.CLUSTER),
                        names("api", "api", "gateway", "gateway"),
                        names("migrate", SeedData.MIGRATE_TASK_FAMILY, "cleanup", SeedData.CLEANUP_TASK_FAMILY),
                        new EcsTopology.Network(SettingList.ofText(String.join(",", info.privateSubnets())),
                                SettingList.ofText(info.dbSg()), Setting.of("false")),
                        null),
                new LogsTopology(names("api", SeedData.LOG_GROUP_API, "gateway", SeedData.LOG_GROUP_GATEWAY,
                        "migrate", SeedData.LOG_GROUP_MIGRATE, "cleanup", SeedData.LOG_GROUP_CLEANUP)),
                new RdsTopology(Setting.of(SeedData.DB_INSTANCE), Setting.of("db.r6g.large"), Setting.of("discordination-restore"), null, null),
                // the tool's own role, not the application's (whose password rotate-secrets changes);
                // ad-hoc reads (postgres().query) connect as a role that cannot write
                new PostgresTopology(Setting.of(info.databaseUrl()), Setting.of(SeedData.DATABASE),
                        Setting.of(info.readDatabaseUser()), Setting.of(info.readDatabasePassword())),
                new RedisTopology(Setting.of(info.redisUrl()), null),
                new S3Topology(Setting.of(SeedData.BUCKET)),
                // the sandbox's stand-ins for the platform's own public ranges: never blocked without allow-internal
                new WafTopology(new WafTopology.IpSet(Setting.of(SeedData.IP_SET_NAME), Setting.of("REGIONAL"), Setting.of(info.ipSetId())),
                        SettingList.of(SeedData.PLATFORM_RANGES)),
                new SecretsTopology(names("jwt-secret", SeedData.JWT_SECRET_ID, "db-password", SeedData.DB_PASSWORD_SECRET_ID)),
                new LiveKitTopology(Setting.of(info.livekitUrl()), Setting.of(info.lkKey()), Setting.of(info.lkSecret())),
                // the control plane the sandbox deployed from deploy/control-plane.yaml, with production's names
                new RegistryTopology(Setting.of(SeedData.REGISTRY_TABLE), Setting.of(SeedData.AUDIT_LOG_GROUP),
                        Setting.of(SeedData.JOURNAL_BUCKET), Setting.of(SeedData.JOURNAL_PREFIX)),
                null);
    }

    static String render(SandboxInfo info) {
        return HEADER + TopologyFiles.write(topology(info));
    }

    static void write(SandboxInfo info) {
        Path file = info.environmentFile();
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, render(info));
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SandboxException("Cannot write the local environment " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code ${VARIABLE:-value}}: the value, unless the shell sets the variable. */
    private static Setting overridable(String variable, String value) {
        if (value.indexOf('}') >= 0) throw new IllegalArgumentException("a sandbox credential with '}' cannot be written as ${" + variable + ":-...}");
        return Setting.of("${" + variable + ":-" + value + "}");
    }

    /** Short name to real name, in the order given. */
    private static Map<String, Setting> names(String... shortAndReal) {
        Map<String, Setting> names = new LinkedHashMap<>();
        for (int i = 0; i < shortAndReal.length; i += 2) names.put(shortAndReal[i], Setting.of(shortAndReal[i + 1]));
        return names;
    }
}
