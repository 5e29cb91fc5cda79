package io.discordination.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.OpsException;
import io.discordination.ops.runbook.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No password reaches the terminal, whatever its syntax: {@code ops env} (text and JSON) with
 * database and Redis URLs an operator could really have, and a broken environment file under
 * {@code --debug}. Each runs {@code ops} as a process with a copy of environments/prod.yaml.
 */
class SecretsInOutputTest {
    private static final String LK_SECRET = "lkS3cretValue0123456789abcdefghijklmnopqrs";

    @TempDir
    Path home;

    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Result ops(Map<String, String> variables, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dops.root=" + Cli.projectRoot(), "-Dops.home=" + home, OpsCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.equals("OPS_HOME") || k.startsWith("AWS_") || k.startsWith("LK_")
                || List.of("DATABASE_URL", "REDIS_URL", "IP_SET_ID", "PRIVATE_SUBNETS", "DB_SG").contains(k));
        pb.environment().putAll(variables);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int code = p.waitFor();
        return new Result(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A copy of environments/prod.yaml, so the test reads the real schema. */
    private Path prodCopy() throws IOException {
        return Files.copy(Cli.projectRoot().resolve("environments/prod.yaml"), home.resolve("hostile.yaml"));
    }

    private static Map<String, String> variables(String databaseUrl, String redisUrl) {
        Map<String, String> v = new HashMap<>(Map.of("PRIVATE_SUBNETS", "subnet-0a1", "DB_SG", "sg-0c3", "IP_SET_ID", "ipset-1234",
                "LK_KEY", "APIkey", "LK_SECRET", LK_SECRET));
        v.put("DATABASE_URL", databaseUrl);
        v.put("REDIS_URL", redisUrl);
        return v;
    }

    @Test
    void env_whenPasswordsHoldUnencodedCharacters_masksThemInTextAndJson() throws Exception {
        Path file = prodCopy();
        // each password as an operator might paste it: '#', '/', '?', '@', a space, quotes, a broken %xx
        List<String> passwords = List.of("db#Pa55/wo?rd@x", "db Pa55 \"w'rd", "db%zzPa55%4");
        for (String password : passwords) {
            String redisPassword = "rd" + password;
            Map<String, String> v = variables("postgresql://app:" + password + "@db.internal:5432/discordination",
                    "redis://:" + redisPassword + "@h1:6379,h2:6379");

            Result text = ops(v, "env", "--env", file.toString());
            Result json = ops(v, "env", "--env", file.toString(), "--output", "json");

            assertThat(text.exitCode()).as(text.err()).isZero();
            assertThat(text.out()).contains("postgresql://app:****@db.internal:5432/discordination", "redis://:****@h1:6379,h2:6379");
            assertThat(text.all() + json.all()).as(password).doesNotContain(password, redisPassword, "Pa55", LK_SECRET);
            JsonNode settings = Json.mapper().readTree(json.out()).get("settings");
            assertThat(settings.get("postgres.url").asText()).isEqualTo("postgresql://app:****@db.internal:5432/discordination");
            assertThat(settings.get("redis.url").asText()).isEqualTo("redis://:****@h1:6379,h2:6379");
        }
    }

    @Test
    void env_whenPasswordIsAQueryParameter_masksIt() throws Exception {
        Map<String, String> v = variables("jdbc:postgresql://db.internal:5432/discordination?user=app&password=jdbcPa55word&ssl=true",
                "redis://cache.internal:6379/0?password=redisPa55word");

        Result r = ops(v, "env", "--env", prodCopy().toString(), "--output", "json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode settings = Json.mapper().readTree(r.out()).get("settings");
        assertThat(settings.get("postgres.url").asText())
                .isEqualTo("jdbc:postgresql://db.internal:5432/discordination?user=app&password=****&ssl=true");
        assertThat(settings.get("redis.url").asText()).isEqualTo("redis://cache.internal:6379/0?password=****");
        assertThat(r.all()).doesNotContain("jdbcPa55word", "redisPa55word");
    }

    @Test
    void run_whenEnvironmentFileHasAnUnclosedQuote_namesLineAndColumnAndQuotesNothingEvenWithDebug() throws Exception {
        String yaml = Files.readString(Cli.projectRoot().resolve("environments/prod.yaml"))
                .replace("apiSecret: ${LK_SECRET}", "apiSecret: \"" + LK_SECRET);
        Path bad = Files.writeString(home.resolve("bad.yaml"), yaml);
        int line = (int) yaml.lines().takeWhile(l -> !l.contains("apiSecret")).count() + 1;

        Result r = ops(Map.of(), "run", "api-not-responding", "--env", bad.toString(), "--debug");

        assertThat(r.exitCode()).isEqualTo(OpsException.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("bad.yaml", "is not valid YAML", "line " + line + ", column");
        for (int i = 0; i + 6 <= LK_SECRET.length(); i++) {
            assertThat(r.all()).as("a piece of the secret at %d", i).doesNotContain(LK_SECRET.substring(i, i + 6));
        }
    }

    @Test
    void plan_whenAnotherSettingCarriesAPassword_neverPrintsItEvenInTraces() throws Exception {
        Map<String, String> v = variables("postgresql://app:x@db.internal/discordination", "redis://cache.internal:6379");
        // the endpoint is not a secret setting, and the SDK's error quotes it: the password is still masked
        v.put("AWS_ENDPOINT_URL", "http://user:aws Pa55#word@127.0.0.1:1");
        v.put("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE");
        v.put("AWS_SECRET_ACCESS_KEY", "awsSecretAccessKeyValue");

        Result r = ops(v, "plan", "api-not-responding", "--env", prodCopy().toString(), "--debug");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.all()).contains("http://user:****@127.0.0.1:1").doesNotContain("Pa55", "awsSecretAccessKeyValue", LK_SECRET);
    }
}
