package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis and PostgreSQL of the sandbox, checked with redis-cli, psql and JDBC. */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class SandboxDataTest {

    private static String sh(SandboxInfo sandbox, String script) {
        Shell.Result result = Shell.run(sandbox.exports(), script);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.out().trim();
    }

    @Test
    void redisCli_whenSeeded_findsCacheRateLimitAndProtectedKeys(SandboxInfo sandbox) {
        assertThat(sh(sandbox, "redis-cli -u $REDIS_URL --scan --pattern 'api:cache:*' | wc -l")).isEqualTo("5000");
        assertThat(sh(sandbox, "redis-cli -u $REDIS_URL --scan --pattern 'rl:*' | wc -l")).isEqualTo("3000");
        assertThat(sh(sandbox, "redis-cli -u $REDIS_URL --scan --pattern 'session:*' | wc -l")).isEqualTo("200");
        assertThat(sh(sandbox, "redis-cli -u $REDIS_URL EXISTS presence:" + SeedData.WELL_KNOWN_USER_ID)).isEqualTo("1");
        assertThat(sh(sandbox, "redis-cli -u $REDIS_URL info clients")).contains("connected_clients:");
    }

    @Test
    void flushApiCache_verbatim_leavesSessionsAndPresence(SandboxInfo sandbox) {
        String before = sh(sandbox, "redis-cli -u $REDIS_URL dbsize");

        sh(sandbox, "redis-cli -u $REDIS_URL --scan --pattern \"api:cache:*\" | xargs redis-cli -u $REDIS_URL DEL >/dev/null");

        assertThat(Integer.parseInt(sh(sandbox, "redis-cli -u $REDIS_URL dbsize"))).isEqualTo(Integer.parseInt(before) - 5000);
        assertThat(sh(sandbox, "redis-cli -u $REDIS_URL --scan --pattern 'session:*' | wc -l")).isEqualTo("200");
    }

    @Test
    void psql_withDatabaseUrl_seesSeededUsersAndSessions(SandboxInfo sandbox) {
        String users = sh(sandbox, "psql \"$DATABASE_URL\" -tAc 'select count(*) from users'");
        String sessions = sh(sandbox, "psql \"$DATABASE_URL\" -tAc \"select count(*) from sessions where user_id = '" + SeedData.WELL_KNOWN_USER_ID + "'\"");
        String activity = sh(sandbox, "psql \"$DATABASE_URL\" -tAc \"SELECT count(*) FROM pg_stat_activity WHERE datname = 'discordination';\"");

        assertThat(users).isEqualTo(Integer.toString(SeedData.USERS));
        assertThat(sessions).isEqualTo(Integer.toString(SeedData.WELL_KNOWN_USER_SESSIONS));
        assertThat(Integer.parseInt(activity)).isPositive();
    }

    @Test
    void jdbc_asApplicationRole_canDisableTheWellKnownUser(SandboxInfo sandbox) throws Exception {
        try (Connection c = DriverManager.getConnection(sandbox.jdbcUrl(), sandbox.databaseUser(), sandbox.databasePassword())) {
            c.createStatement().executeUpdate("update users set disabled = true where id = '" + SeedData.WELL_KNOWN_USER_ID + "'");
            ResultSet row = c.createStatement().executeQuery("select username, disabled from users where id = '" + SeedData.WELL_KNOWN_USER_ID + "'");
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo(SeedData.WELL_KNOWN_USERNAME);
            assertThat(row.getBoolean(2)).isTrue();
        }
    }

    @Test
    void exports_haveEveryVariableTheRunbookUses(SandboxInfo sandbox) {
        Map<String, String> exports = sandbox.exports();

        assertThat(exports).containsKeys("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION",
                "AWS_REGION", "REDIS_URL", "DATABASE_URL", "LIVEKIT_URL", "LK_KEY", "LK_SECRET", "PRIVATE_SUBNETS", "DB_SG", "IP_SET_ID");
        assertThat(exports.get("PRIVATE_SUBNETS").split(",")).hasSize(3).allMatch(s -> s.startsWith("subnet-"));
        assertThat(exports.get("DB_SG")).startsWith("sg-");
    }

    @Test
    void environmentFile_hasProductionNamesAndLocalValues(SandboxInfo sandbox) throws Exception {
        String yaml = java.nio.file.Files.readString(sandbox.environmentFile());

        assertThat(yaml).contains("name: local", "protected: false", "cluster: discordination-prod",
                "endpoint: " + sandbox.awsEndpoint(), "url: " + sandbox.redisUrl(), "id: " + sandbox.ipSetId(),
                "securityGroups: " + sandbox.dbSg());
        var tree = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(yaml);
        // a comma-separated value is written quoted (YAML would read an unquoted one the same; the writer is cautious)
        assertThat(tree.path("ecs").path("network").path("subnets").asText()).isEqualTo(String.join(",", sandbox.privateSubnets()));
        assertThat(tree.path("ecs").path("network").path("assignPublicIp").asText()).isEqualTo("false");
        assertThat(tree.path("livekit").path("apiSecret").asText()).isEqualTo(sandbox.lkSecret());
        assertThat(tree.path("postgres").path("url").asText()).isEqualTo(sandbox.databaseUrl());
    }
}
