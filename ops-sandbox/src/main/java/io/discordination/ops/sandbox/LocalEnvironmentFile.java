package io.discordination.ops.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes the {@code local} environment: the schema of environments/prod.yaml, production's names,
 * and the sandbox's concrete endpoints, credentials and ids instead of {@code ${VAR}}s.
 *
 * <pre>{@code LocalEnvironmentFile.write(info);}</pre>
 */
final class LocalEnvironmentFile {
    private LocalEnvironmentFile() {
    }

    static String render(SandboxInfo info) {
        return """
                # The local sandbox (written by `ops sandbox up`; rewritten by every up and reset).
                # Same keys and production names as environments/prod.yaml, concrete local values.
                name: local
                protected: false

                aws:
                  region: %s
                  endpoint: %s
                  # static credentials the emulator accepts
                  accessKeyId: %s
                  secretAccessKey: %s

                ecs:
                  cluster: %s
                  services:
                    api: api
                    gateway: gateway
                  taskDefinitions:
                    migrate: %s
                    cleanup: %s
                  network:
                    subnets: %s
                    securityGroups: %s
                    assignPublicIp: false

                logs:
                  api: %s
                  gateway: %s
                  migrate: %s
                  cleanup: %s

                rds:
                  instance: %s
                  restoreInstanceClass: db.r6g.large
                  restoreTarget: discordination-restore

                postgres:
                  # the tool's own role, not the application's (whose password rotate-secrets changes)
                  url: %s
                  database: %s
                  # ad-hoc reads (postgres().query) connect as a role that cannot write
                  readUser: %s
                  readPassword: %s

                redis:
                  url: %s

                s3:
                  bucket: %s

                waf:
                  ipSet:
                    name: %s
                    scope: REGIONAL
                    id: %s
                  # the sandbox's stand-ins for the platform's own public ranges: never blocked without allow-internal
                  platformRanges:
                %s

                secrets:
                  jwt-secret: %s
                  db-password: %s

                livekit:
                  url: %s
                  apiKey: %s
                  apiSecret: %s
                """.formatted(
                info.region(), info.awsEndpoint(), info.accessKeyId(), info.secretAccessKey(),
                SeedData.CLUSTER, SeedData.MIGRATE_TASK_FAMILY, SeedData.CLEANUP_TASK_FAMILY,
                String.join(",", info.privateSubnets()), info.dbSg(),
                SeedData.LOG_GROUP_API, SeedData.LOG_GROUP_GATEWAY, SeedData.LOG_GROUP_MIGRATE, SeedData.LOG_GROUP_CLEANUP,
                SeedData.DB_INSTANCE, info.databaseUrl(), SeedData.DATABASE, info.readDatabaseUser(), info.readDatabasePassword(), info.redisUrl(), SeedData.BUCKET,
                SeedData.IP_SET_NAME, info.ipSetId(),
                String.join("\n", SeedData.PLATFORM_RANGES.stream().map(r -> "    - \"" + r + "\"").toList()),
                SeedData.JWT_SECRET_ID, SeedData.DB_PASSWORD_SECRET_ID,
                info.livekitUrl(), info.lkKey(), info.lkSecret());
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
}
