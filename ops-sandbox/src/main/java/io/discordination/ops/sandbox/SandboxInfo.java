package io.discordination.ops.sandbox;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a running sandbox's parts are and how to reach them: the values behind the {@code local}
 * environment and {@code ops sandbox env}.
 *
 * <pre>{@code SandboxInfo info = Sandbox.at(home).up(); String redisUrl = info.redisUrl();}</pre>
 *
 * @param opsHome          the OPS_HOME this sandbox belongs to
 * @param environmentFile  the {@code local} environment file ({@code OPS_HOME/sandbox/local.yaml})
 * @param awsEndpoint      moto's endpoint, {@code http://127.0.0.1:PORT}
 * @param region           {@code us-east-1}
 * @param accessKeyId      static credentials moto accepts
 * @param secretAccessKey  static credentials moto accepts
 * @param redisUrl         {@code redis://127.0.0.1:PORT/0}
 * @param redisPort        redis-server's port
 * @param databaseUrl      {@code postgresql://discordination_ops:PASSWORD@127.0.0.1:PORT/discordination}: the tool's own
 *                         role, as {@code postgres.url} and {@code DATABASE_URL} (usable by {@code psql})
 * @param jdbcUrl          the same database as a JDBC URL without credentials
 * @param databaseUser     the application role, owner of the database (what api and gateway use)
 * @param databasePassword its seeded password (the secret {@code discordination/db-password} until a rotation;
 *                         {@link Sandbox#reset()} sets it back)
 * @param opsDatabaseUser     the tool's own role ({@code postgres.url})
 * @param opsDatabasePassword its password
 * @param readDatabaseUser     the read-only role of ad-hoc reads ({@code postgres.readUser})
 * @param readDatabasePassword its password
 * @param adminJdbcUrl     JDBC URL of the {@code postgres} maintenance database, for the superuser
 * @param adminUser        the superuser, {@code postgres}
 * @param adminPassword    its password
 * @param postgresPort     PostgreSQL's port
 * @param livekitUrl       the LiveKit emulator, {@code http://127.0.0.1:PORT}
 * @param lkKey            LiveKit API key
 * @param lkSecret         LiveKit API secret
 * @param ipSetId          id of the WAF IP set {@code blocked-ips}
 * @param privateSubnets   the private subnets one-off tasks run in
 * @param dbSg             the security group of database clients (one-off tasks)
 * @param appSg            the security group of the api and gateway services
 * @param vpcId            the VPC
 * @param sandboxDir       {@code OPS_HOME/sandbox}: state, PID files, logs
 */
public record SandboxInfo(
        Path opsHome,
        Path environmentFile,
        String awsEndpoint,
        String region,
        String accessKeyId,
        String secretAccessKey,
        String redisUrl,
        int redisPort,
        String databaseUrl,
        String jdbcUrl,
        String databaseUser,
        String databasePassword,
        String opsDatabaseUser,
        String opsDatabasePassword,
        String readDatabaseUser,
        String readDatabasePassword,
        String adminJdbcUrl,
        String adminUser,
        String adminPassword,
        int postgresPort,
        String livekitUrl,
        String lkKey,
        String lkSecret,
        String ipSetId,
        List<String> privateSubnets,
        String dbSg,
        String appSg,
        String vpcId,
        Path sandboxDir) {

    public SandboxInfo {
        privateSubnets = List.copyOf(privateSubnets);
    }

    /** The ECS cluster, with production's name. */
    public String cluster() {
        return SeedData.CLUSTER;
    }

    /** The S3 bucket, with production's name. */
    public String bucket() {
        return SeedData.BUCKET;
    }

    /**
     * The variables the seed runbook's commands read, in the order {@code ops sandbox env} prints
     * them: with these exported, {@code aws}, {@code redis-cli} and {@code psql} reach the sandbox.
     * Besides the runbook's variables: {@code PYTHONPATH}, the folder of a Python start-up file
     * that makes aws-cli v1 honour {@code AWS_ENDPOINT_URL} for rds too.
     */
    public Map<String, String> exports() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL", awsEndpoint);
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
        env.put("AWS_DEFAULT_REGION", region);
        env.put("AWS_REGION", region);
        env.put("REDIS_URL", redisUrl);
        env.put("DATABASE_URL", databaseUrl);
        // environments/prod.yaml's read-only role (postgres.readUser/readPassword), so a copy of it runs here too
        env.put("DATABASE_READ_USER", readDatabaseUser);
        env.put("DATABASE_READ_PASSWORD", readDatabasePassword);
        env.put("LIVEKIT_URL", livekitUrl);
        env.put("LK_KEY", lkKey);
        env.put("LK_SECRET", lkSecret);
        env.put("PRIVATE_SUBNETS", String.join(",", privateSubnets));
        env.put("DB_SG", dbSg);
        env.put("IP_SET_ID", ipSetId);
        // aws-cli v1 ignores AWS_ENDPOINT_URL for rds in us-east-1; a Python start-up file in this
        // folder makes it honour the variable, so the runbook's rds commands work verbatim
        env.put("PYTHONPATH", sandboxDir.resolve("aws-cli").toString());
        return env;
    }

    @Override
    public String toString() {
        return "SandboxInfo[aws=" + awsEndpoint + ", redis=" + redisUrl + ", postgres=127.0.0.1:" + postgresPort
                + ", livekit=" + livekitUrl + ", home=" + opsHome + "]";
    }
}
