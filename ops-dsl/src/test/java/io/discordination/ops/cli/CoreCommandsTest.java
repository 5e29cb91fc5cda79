package io.discordination.ops.cli;

import io.discordination.ops.Json;
import io.discordination.ops.OpsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The foundation commands, run as a real process: exit codes, stdout/stderr, no secret in any output. */
class CoreCommandsTest {
    private static final String LK_SECRET = "lk-Secret-Value-0042";
    private static final String DB_PASSWORD = "db-Pa55word-0042";

    @TempDir
    Path home;

    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Result ops(Map<String, String> variables, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dops.root=" + System.getProperty("ops.root"), "-Dops.home=" + home,
                OpsCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.equals("OPS_HOME") || k.startsWith("AWS_") || k.startsWith("LK_")
                || k.startsWith("DATABASE_") || List.of("REDIS_URL", "IP_SET_ID", "PRIVATE_SUBNETS", "DB_SG").contains(k));
        pb.environment().putAll(variables);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int code = p.waitFor();
        return new Result(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Map<String, String> prodVariables() {
        return Map.of("PRIVATE_SUBNETS", "subnet-0a1,subnet-0b2", "DB_SG", "sg-0c3", "IP_SET_ID", "ipset-1234",
                "DATABASE_URL", "postgresql://app:" + DB_PASSWORD + "@db.internal:5432/discordination",
                "DATABASE_READ_PASSWORD", DB_PASSWORD + "-read", "REDIS_URL", "redis://cache.internal:6379", "LK_KEY", "APIkey", "LK_SECRET", LK_SECRET);
    }

    @Test
    void help_whenAsked_listsCommandsAndExitCodes() throws Exception {
        Result r = ops(Map.of(), "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("env", "audit", "Exit codes", "3   refused");
    }

    @Test
    void env_whenProdVariablesSet_showsRealNamesAndMasksSecrets() throws Exception {
        Result r = ops(prodVariables(), "env", "--env", "prod");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("discordination-prod", "/ecs/discordination-api", "blocked-ips", "ipset-1234",
                "postgresql://app:****@db.internal:5432/discordination", "protected");
        assertThat(r.all()).doesNotContain(LK_SECRET, DB_PASSWORD);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void env_whenJson_printsOnlyJsonOnStdout() throws Exception {
        Result r = ops(prodVariables(), "env", "--env", "prod", "--output", "json");
        assertThat(r.exitCode()).isZero();
        Map<?, ?> json = Json.mapper().readValue(r.out(), Map.class);
        assertThat(json.get("name")).isEqualTo("prod");
        assertThat(json.get("protected")).isEqualTo(true);
        assertThat(r.all()).doesNotContain(LK_SECRET, DB_PASSWORD);
    }

    @Test
    void env_whenVariablesMissing_namesThemOnStderr() throws Exception {
        Result r = ops(Map.of(), "env", "--env", "prod");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("<unset: REDIS_URL>");
        assertThat(r.err()).contains("not set:", "DATABASE_URL", "LK_SECRET");
    }

    @Test
    void env_whenUnknownEnvironment_failsWithBadInputAndOneLine() throws Exception {
        Result r = ops(Map.of(), "env", "--env", "prdo");
        assertThat(r.exitCode()).isEqualTo(OpsException.EXIT_BAD_INPUT);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("ops: Unknown environment 'prdo'").contains("known: local, prod");
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
    }

    /** prod.yaml with one key misspelled, and a secret written into it, as a local copy might hold. */
    private Path typoEnvironment() throws IOException {
        String prod = Files.readString(Path.of(System.getProperty("ops.root")).resolve("environments/prod.yaml"));
        String typo = prod.replace("    name: blocked-ips\n", "    nmae: blocked-ips\n")
                .replace("  apiSecret: ${LK_SECRET}\n", "  apiSecret: " + LK_SECRET + "\n");
        assertThat(typo).contains("nmae: blocked-ips", LK_SECRET);
        return Files.writeString(home.resolve("typo.yaml"), typo);
    }

    @Test
    void env_whenAKeyIsMisspelled_failsWithBadInputNamingTheKeyAndTheFile() throws Exception {
        Path typo = typoEnvironment();

        Result r = ops(prodVariables(), "env", "--env", typo.toString());

        assertThat(r.exitCode()).as(r.all()).isEqualTo(OpsException.EXIT_BAD_INPUT);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("ops: Environment file " + typo + ": unknown setting 'waf.ipSet.nmae'")
                .contains("did you mean 'waf.ipSet.name'?");
        assertThat(r.out()).isEmpty();
        assertThat(r.all()).doesNotContain(LK_SECRET, DB_PASSWORD, "Exception", "\tat ");
    }

    @Test
    void plan_whenTheEnvironmentHasAMisspelledKey_failsWithBadInputBeforeAnyStep() throws Exception {
        Path typo = typoEnvironment();

        Result r = ops(prodVariables(), "plan", "api-not-responding", "--env", typo.toString());

        assertThat(r.exitCode()).as(r.all()).isEqualTo(OpsException.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("Environment file " + typo + ": unknown setting 'waf.ipSet.nmae'");
        assertThat(r.out()).doesNotContain("1. ");
        assertThat(r.all()).doesNotContain(LK_SECRET, DB_PASSWORD, "Exception");
    }

    @Test
    void env_whenSandboxNotUp_failsWithHowToStartIt() throws Exception {
        Result r = ops(Map.of(), "env");
        assertThat(r.exitCode()).isEqualTo(OpsException.EXIT_FAILED);
        assertThat(r.err()).contains("ops sandbox up");
    }

    @Test
    void unknownOption_isBadInput() throws Exception {
        Result r = ops(Map.of(), "env", "--no-such-option");
        assertThat(r.exitCode()).isEqualTo(OpsException.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("Unknown option", "--help");
    }

    @Test
    void audit_whenRecordsExist_showsThemAndFiltersBySince() throws Exception {
        Path audit = Files.createDirectories(home.resolve("audit")).resolve("prod.jsonl");
        Files.writeString(audit, """
                {"time":"2020-01-01T00:00:00Z","event":"started","runId":"old-run","environment":"prod","operator":{"user":"alice"},"effect":{"system":"aws","target":"ecs service discordination-prod/api","verb":"force-redeploy","parameters":{},"destructive":true}}
                {"time":"%s","event":"ok","runId":"new-run","environment":"prod","operator":{"user":"bob","aws":"arn:aws:iam::123456789012:user/bob"},"effect":{"system":"aws","target":"ecs service discordination-prod/gateway","verb":"force-redeploy","parameters":{},"destructive":true},"durationMs":1234}
                {"time":"2020-01-01T00:00:01Z","event":"fa
                """.formatted(java.time.Instant.now()));

        Result all = ops(Map.of(), "audit", "--env", "prod");
        assertThat(all.exitCode()).isZero();
        assertThat(all.out()).contains("old-run", "new-run", "alice", "arn:aws:iam::123456789012:user/bob", "1234");

        Result recent = ops(Map.of(), "audit", "--env", "prod", "--since", "1h");
        assertThat(recent.out()).contains("new-run").doesNotContain("old-run");

        Result bad = ops(Map.of(), "audit", "--env", "prod", "--since", "yesterday");
        assertThat(bad.exitCode()).isEqualTo(OpsException.EXIT_BAD_INPUT);
        assertThat(bad.err()).contains("Invalid duration 'yesterday'");
    }
}
