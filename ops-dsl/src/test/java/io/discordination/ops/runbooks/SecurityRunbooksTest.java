package io.discordination.ops.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.Scope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Security Incidents runbooks, compromised-account, rate-limit-bypass and rotate-secrets,
 * planned and run against the sandbox through the {@code ops} command line. Effects are checked
 * with independent clients: JDBC for sessions and the account flag, a Lettuce subscriber standing
 * in for a gateway, and AWS SDK clients built here for the WAF IP set, the secrets' versions and
 * the ECS deployments. Each runbook's plan and refusal run before the run that changes things.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityRunbooksTest {
    private static final String USER = "user=" + SeedData.WELL_KNOWN_USER_ID;

    /** One OPS_HOME for the class, so each script compiles once. */
    @TempDir
    static Path home;

    // --- compromised-account ---

    /** The user's sessions and whether the account is disabled, read with JDBC. */
    private record AccountRow(long sessions, boolean disabled, long otherSessions) {
    }

    private static AccountRow account(AreaBRunbookSupport ops, String userId) throws SQLException {
        try (Connection c = ops.database();
             PreparedStatement sessions = c.prepareStatement(
                     "SELECT count(*) FILTER (WHERE user_id::text = ?), count(*) FILTER (WHERE user_id::text <> ?) FROM sessions");
             PreparedStatement user = c.prepareStatement("SELECT disabled FROM users WHERE id::text = ?")) {
            sessions.setString(1, userId);
            sessions.setString(2, userId);
            user.setString(1, userId);
            try (ResultSet s = sessions.executeQuery(); ResultSet u = user.executeQuery()) {
                s.next();
                assertThat(u.next()).as("user " + userId + " exists").isTrue();
                return new AccountRow(s.getLong(1), u.getBoolean(1), s.getLong(2));
            }
        }
    }

    @Test
    @Order(1)
    void compromisedAccount_plan_whenTheUserExists_showsTheAccountAndTheThreeEffectsAndChangesNothing(SandboxInfo sandbox) throws SQLException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        AccountRow before = account(ops, SeedData.WELL_KNOWN_USER_ID);

        Cli.Result r = ops.plan("compromised-account", USER);

        assertThat(before.sessions()).isEqualTo(SeedData.WELL_KNOWN_USER_SESSIONS);
        assertThat(before.disabled()).isFalse();
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("1. Check the account  [check]", "sessions             " + before.sessions(),
                "2. Invalidate all sessions  [action]", "$ psql \"$DATABASE_URL\" -c \"DELETE FROM sessions WHERE user_id = '" + SeedData.WELL_KNOWN_USER_ID + "'\"",
                "would: invalidate-sessions sessions of user " + SeedData.WELL_KNOWN_USER_ID + " in discordination  (destructive)",
                "3. Notify via Redis pub/sub to disconnect WebSocket  [action]",
                "$ redis-cli -u \"$REDIS_URL\" PUBLISH user:" + SeedData.WELL_KNOWN_USER_ID + " '{\"type\":\"ForceDisconnect\"}'",
                "4. Disable account  [action]", "$ psql \"$DATABASE_URL\" -c \"UPDATE users SET disabled = true WHERE id = '" + SeedData.WELL_KNOWN_USER_ID + "'\"",
                "5. The account is disabled and has no sessions  [verify]", "3 effects (2 destructive). Nothing was changed.");
        assertThat(account(ops, SeedData.WELL_KNOWN_USER_ID)).isEqualTo(before);
    }

    @Test
    @Order(2)
    void compromisedAccount_run_whenTheUserIsNotAUuid_exitsTwoAndRunsNothing(SandboxInfo sandbox) throws SQLException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        AccountRow before = account(ops, SeedData.WELL_KNOWN_USER_ID);

        Cli.Result r = ops.run("compromised-account", "user=' OR '1'='1");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("parameter 'user': expected a UUID");
        assertThat(account(ops, SeedData.WELL_KNOWN_USER_ID)).isEqualTo(before);
    }

    @Test
    @Order(3)
    void compromisedAccount_run_whenNoTerminalAndNoYes_exitsThreeAndChangesNothing(SandboxInfo sandbox) throws SQLException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        AccountRow before = account(ops, SeedData.WELL_KNOWN_USER_ID);

        Cli.Result r = ops.runWithoutTerminal("compromised-account", USER);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("step 2 'Invalidate all sessions': Refused: invalidate-sessions", "re-run with --yes");
        assertThat(account(ops, SeedData.WELL_KNOWN_USER_ID)).isEqualTo(before);
    }

    @Test
    @Order(4)
    void compromisedAccount_run_whenConfirmed_deletesTheSessionsTellsTheGatewaysAndDisablesTheUser(SandboxInfo sandbox) throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        AccountRow before = account(ops, SeedData.WELL_KNOWN_USER_ID);
        String channel = "user:" + SeedData.WELL_KNOWN_USER_ID;
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        RedisClient redis = RedisClient.create(sandbox.redisUrl());
        Cli.Result r;
        try (StatefulRedisPubSubConnection<String, String> gateway = redis.connectPubSub()) {
            gateway.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    received.add(ch + " " + message);
                }
            });
            gateway.sync().subscribe(channel);

            r = ops.run("compromised-account", USER);

            // the message was published during the run; waiting only covers its delivery to this connection
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(channel + " {\"type\":\"ForceDisconnect\"}");
        } finally {
            redis.shutdown();
        }

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Deleted " + before.sessions() + " sessions of user " + SeedData.WELL_KNOWN_USER_ID,
                "Sent ForceDisconnect on " + channel + ": 1 gateways received it", "Disabled user " + SeedData.WELL_KNOWN_USER_ID,
                "held after", "finished ok");
        AccountRow after = account(ops, SeedData.WELL_KNOWN_USER_ID);
        assertThat(before.sessions()).isPositive();
        assertThat(after.sessions()).isZero();
        assertThat(after.disabled()).isTrue();
        assertThat(after.otherSessions()).isEqualTo(before.otherSessions()).isPositive();
        assertThat(account(ops, SeedData.userId(1)).disabled()).isFalse();
    }

    // --- rate-limit-bypass ---

    private static List<String> blockedAddresses(AreaBRunbookSupport ops, SandboxInfo sandbox) {
        try (Wafv2Client waf = ops.aws(Wafv2Client.builder())) {
            return waf.getIPSet(b -> b.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(sandbox.ipSetId())).ipSet().addresses();
        }
    }

    @Test
    @Order(10)
    void rateLimitBypass_plan_whenBlockIsGiven_showsTheTopIpsAndTheBlockAndChangesNothing(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        List<String> before = blockedAddresses(ops, sandbox);

        Cli.Result r = ops.plan("rate-limit-bypass", "since=2h", "block=" + SeedData.DOMINANT_429_IP);

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("1. Check the addresses to block  [check]", "to block",
                "2. Check for suspicious patterns (the first 429s)  [check]", "status=429",
                "3. Find the top client IPs behind the 429s  [check]", "CLIENT IP", "4. Show the WAF blocklist  [check]",
                "5. Block IP at ALB (add the chosen addresses to the WAF blocklist)  [action]",
                "would: block waf ip set " + SeedData.IP_SET_NAME, SeedData.DOMINANT_429_IP + "/32",
                "1 effect (1 destructive). Nothing was changed.");
        String top = r.out().substring(r.out().indexOf("CLIENT IP"));
        assertThat(top.lines().skip(1).findFirst().orElseThrow().strip()).startsWith(SeedData.DOMINANT_429_IP + " ");
        assertThat(top).contains(SeedData.OTHER_429_IPS.get(0));
        assertThat(before).containsExactlyInAnyOrderElementsOf(SeedData.BLOCKED_ADDRESSES);
        assertThat(blockedAddresses(ops, sandbox)).isEqualTo(before);
    }

    @Test
    @Order(10)
    void rateLimitBypass_plan_whenThousandsOfAddressesAreBlocked_showsABoundedWithLineAndJsonKeepsThemAll(SandboxInfo sandbox)
            throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        List<String> before = blockedAddresses(ops, sandbox);
        List<String> addresses = new java.util.ArrayList<>();
        for (int third = 0; third < 8; third++) {
            for (int fourth = 1; fourth <= 250; fourth++) addresses.add("45.33." + third + "." + fourth);
        }
        String block = "block=" + String.join(",", addresses);

        Cli.Result text = ops.plan("rate-limit-bypass", "since=2h", block);

        assertThat(text.exitCode()).as(text.all()).isZero();
        String with = text.out().lines().filter(l -> l.startsWith("     with: ")).findFirst().orElseThrow();
        assertThat(with).contains("addresses=45.33.0.1/32,45.33.0.2/32,", "\u2026 1995 more", "count=2000",
                "addressesAfter=" + (before.size() + 2000));
        assertThat(with.length()).isLessThan(300);
        assertThat(with).doesNotContain("45.33.7.250");
        String parameters = text.out().lines().filter(l -> l.startsWith("Parameters: ")).findFirst().orElseThrow();
        assertThat(parameters).contains("block=45.33.0.1/32,", "\u2026 1995 more").hasSizeLessThan(300);

        Cli.Result json = ops.planJson("rate-limit-bypass", "since=2h", block);
        assertThat(json.exitCode()).as(json.all()).isZero();
        JsonNode effect = null;
        for (JsonNode step : Json.mapper().readTree(json.out()).get("steps")) {
            if (step.path("effects").size() > 0) effect = step.path("effects").get(0);
        }
        assertThat(effect).isNotNull();
        assertThat(effect.at("/parameters/addresses").asText().split(",")).hasSize(2000).contains("45.33.7.250/32");

        // the shown command is cut at a whole address; the line after it names a file holding all of it
        List<String> lines = text.out().lines().toList();
        int at = java.util.stream.IntStream.range(0, lines.size())
                .filter(i -> lines.get(i).startsWith("     $ aws wafv2 update-ip-set ")).findFirst().orElseThrow();
        assertThat(lines.get(at)).endsWith("/32 \u2026").doesNotContain("45.33.7.250")
                .hasSizeLessThan(io.discordination.ops.gate.Effect.SHOWN_COMMAND_CHARS + 10);
        String note = lines.get(at + 1);
        assertThat(note).startsWith("     (cut: ").contains("characters shown, so not for pasting", "to run with: sh ");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("the whole command is in (\\S+), to run with: sh \\1;").matcher(note);
        assertThat(m.find()).as(note).isTrue();
        Path file = Path.of(m.group(1));
        assertThat(file).startsWith(home.resolve("commands"));
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        String whole = effect.path("command").asText();
        assertThat(Files.readString(file)).isEqualTo(whole + "\n");
        // the shell reads the file as the whole command: an aws stand-in on PATH counts the addresses it is given
        Path bin = Files.createDirectories(home.resolve("stand-in-bin"));
        Path aws = bin.resolve("aws");
        Files.writeString(aws, "#!/bin/sh\nn=0; list=0; token=''; prev=''\nfor a in \"$@\"; do\n"
                + "  [ \"$prev\" = --lock-token ] && token=\"$a\"\n"
                + "  case \"$a\" in --addresses) list=1 ;; --*) list=0 ;; *) [ $list = 1 ] && n=$((n+1)) ;; esac\n"
                + "  prev=\"$a\"\ndone\necho \"$n $token\"\n");
        aws.toFile().setExecutable(true);
        ProcessBuilder sh = new ProcessBuilder("sh", file.toString()).redirectErrorStream(true);
        sh.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process p = sh.start();
        String counted = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(counted).isZero();
        java.util.regex.Matcher token = java.util.regex.Pattern.compile("--lock-token (\\S+)").matcher(whole);
        assertThat(token.find()).as(whole.substring(0, 200)).isTrue();
        assertThat(counted).isEqualTo((before.size() + 2000) + " " + token.group(1));
        assertThat(blockedAddresses(ops, sandbox)).isEqualTo(before);
    }

    @Test
    @Order(10)
    void rateLimitBypass_plan_asJson_asksLogsInsightsOnceAndRanksOnlyStatus429Clients(SandboxInfo sandbox) throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);

        Cli.Result r = ops.planJson("rate-limit-bypass", "since=2h");

        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode json = Json.mapper().readTree(r.out());
        JsonNode top = json.at("/steps/2");
        assertThat(top.path("title").asText()).isEqualTo("Find the top client IPs behind the 429s");
        assertThat(top.at("/awsCalls/CloudWatchLogs:StartQuery").asLong()).isEqualTo(1);
        assertThat(top.at("/awsCalls/CloudWatchLogs:GetQueryResults").asLong()).isBetween(1L, 3L);
        assertThat(top.at("/awsCalls/CloudWatchLogs:FilterLogEvents").isMissingNode()).isTrue();
        List<String> ranked = new java.util.ArrayList<>();
        top.at("/result/top").forEach(e -> ranked.add(e.path("value").asText()));
        assertThat(ranked).startsWith(SeedData.DOMINANT_429_IP).containsAll(SeedData.OTHER_429_IPS)
                .doesNotContain(SeedData.LOOKALIKE_429_IP);
        // the first 429s: one page of 11 events
        assertThat(json.at("/steps/1/awsCalls/CloudWatchLogs:FilterLogEvents").asLong()).isEqualTo(1);
    }

    @Test
    @Order(11)
    void rateLimitBypass_run_whenNoBlockIsGiven_showsTheCandidatesAndBlocksNothing(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        List<String> before = blockedAddresses(ops, sandbox);

        Cli.Result r = ops.runWithoutYes("rate-limit-bypass", "since=2h", "top=3");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Nothing blocked: no --param block. Top client IPs behind 429s: " + SeedData.DOMINANT_429_IP + " (",
                "held after", "finished ok");
        assertThat(blockedAddresses(ops, sandbox)).isEqualTo(before);
    }

    @Test
    @Order(12)
    void rateLimitBypass_run_whenBlockIsGiven_addsTheChosenAddressesAndKeepsTheOthers(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        List<String> before = blockedAddresses(ops, sandbox);

        Cli.Result r = ops.run("rate-limit-bypass", "since=2h", "block=" + SeedData.DOMINANT_429_IP + ",198.51.100.0/24");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("ADDRESS", SeedData.DOMINANT_429_IP + "/32", "198.51.100.0/24", "blocked", "held after", "finished ok");
        assertThat(blockedAddresses(ops, sandbox)).containsAll(before)
                .contains(SeedData.DOMINANT_429_IP + "/32", "198.51.100.0/24").hasSize(before.size() + 2);
    }

    // --- rotate-secrets ---

    /** The version ids of a secret by stage (AWSCURRENT, AWSPREVIOUS), read with the SDK. */
    private static Map<String, String> stages(AreaBRunbookSupport ops, String secretId) {
        Map<String, String> byStage = new LinkedHashMap<>();
        try (SecretsManagerClient sm = ops.aws(SecretsManagerClient.builder())) {
            for (SecretVersionsListEntry v : sm.listSecretVersionIds(b -> b.secretId(secretId)).versions()) {
                for (String stage : v.versionStages()) byStage.put(stage, v.versionId());
            }
        }
        return byStage;
    }

    private static String currentValue(AreaBRunbookSupport ops, String secretId) {
        try (SecretsManagerClient sm = ops.aws(SecretsManagerClient.builder())) {
            return sm.getSecretValue(b -> b.secretId(secretId).versionStage("AWSCURRENT")).secretString();
        }
    }

    /** The id of each service's PRIMARY deployment. */
    private static Map<String, String> primaryDeployments(AreaBRunbookSupport ops) {
        Map<String, String> ids = new LinkedHashMap<>();
        try (EcsClient ecs = ops.aws(EcsClient.builder())) {
            for (Service s : ecs.describeServices(b -> b.cluster(SeedData.CLUSTER).services(SeedData.SERVICES)).services()) {
                ids.put(s.serviceName(), s.deployments().stream().filter(d -> "PRIMARY".equals(d.status()))
                        .map(Deployment::id).findFirst().orElseThrow());
            }
        }
        return ids;
    }

    private static String everythingWritten(Cli.Result r) throws IOException {
        StringBuilder all = new StringBuilder(r.all());
        try (Stream<Path> files = Files.walk(home)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    @Test
    @Order(20)
    void rotateSecrets_plan_whenBoth_showsTheRotationsAndRestartsAndChangesNothing(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        Map<String, String> jwt = stages(ops, SeedData.JWT_SECRET_ID);
        Map<String, String> db = stages(ops, SeedData.DB_PASSWORD_SECRET_ID);
        Map<String, String> deployments = primaryDeployments(ops);

        Cli.Result r = ops.plan("rotate-secrets", "secret=both");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains(jwt.get("AWSCURRENT"), db.get("AWSCURRENT"),
                // what the code calls: RotateSecret, with the version id it makes up as the request token
                "$ aws secretsmanager rotate-secret --secret-id " + SeedData.JWT_SECRET_ID + " --client-request-token ",
                "would: rotate-secret secret " + SeedData.JWT_SECRET_ID + "  (destructive)",
                "would: rotate-secret secret " + SeedData.DB_PASSWORD_SECRET_ID + "  (destructive)",
                "$ aws ecs update-service --cluster " + SeedData.CLUSTER + " --service api --force-new-deployment",
                "would: force-redeploy ecs service " + SeedData.CLUSTER + "/gateway  (destructive)",
                "4 effects (4 destructive). Nothing was changed.");
        assertThat(stages(ops, SeedData.JWT_SECRET_ID)).isEqualTo(jwt);
        assertThat(stages(ops, SeedData.DB_PASSWORD_SECRET_ID)).isEqualTo(db);
        assertThat(primaryDeployments(ops)).isEqualTo(deployments);
    }

    @Test
    @Order(21)
    void rotateSecrets_run_whenNoTerminalAndNoYes_exitsThreeAndRotatesNothing(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        Map<String, String> jwt = stages(ops, SeedData.JWT_SECRET_ID);
        Map<String, String> deployments = primaryDeployments(ops);

        Cli.Result r = ops.runWithoutTerminal("rotate-secrets", "secret=both");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("Refused: rotate-secret secret " + SeedData.JWT_SECRET_ID, "re-run with --yes");
        assertThat(stages(ops, SeedData.JWT_SECRET_ID)).isEqualTo(jwt);
        assertThat(primaryDeployments(ops)).isEqualTo(deployments);
    }

    @Test
    @Order(22)
    void rotateSecrets_run_whenJwt_rotatesOnlyTheJwtSecretAndRedeploysApiAndGateway(SandboxInfo sandbox) throws IOException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        Map<String, String> jwt = stages(ops, SeedData.JWT_SECRET_ID);
        Map<String, String> db = stages(ops, SeedData.DB_PASSWORD_SECRET_ID);
        Map<String, String> deployments = primaryDeployments(ops);

        Cli.Result r = ops.run("rotate-secrets", "secret=jwt");

        assertThat(r.exitCode()).as(r.all()).isZero();
        Map<String, String> jwtAfter = stages(ops, SeedData.JWT_SECRET_ID);
        assertThat(jwtAfter.get("AWSCURRENT")).isNotNull().isNotEqualTo(jwt.get("AWSCURRENT"));
        assertThat(jwtAfter.get("AWSPREVIOUS")).isEqualTo(jwt.get("AWSCURRENT"));
        assertThat(stages(ops, SeedData.DB_PASSWORD_SECRET_ID)).isEqualTo(db);
        assertThat(r.out()).contains("not chosen: secret=jwt", "stable after", "held after", "finished ok");
        Map<String, String> deploymentsAfter = primaryDeployments(ops);
        for (String service : SeedData.SERVICES) {
            assertThat(deploymentsAfter.get(service)).as(service).isNotEqualTo(deployments.get(service));
        }
        assertThat(everythingWritten(r)).doesNotContain(currentValue(ops, SeedData.JWT_SECRET_ID));
    }

    @Test
    @Order(23)
    void rotateSecrets_run_whenBoth_makesNewCurrentVersionsKeepsTheOldAsPreviousAndRedeploys(SandboxInfo sandbox) throws IOException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        Map<String, Map<String, String>> before = Map.of(
                SeedData.JWT_SECRET_ID, stages(ops, SeedData.JWT_SECRET_ID),
                SeedData.DB_PASSWORD_SECRET_ID, stages(ops, SeedData.DB_PASSWORD_SECRET_ID));
        Map<String, String> deployments = primaryDeployments(ops);

        Cli.Result r = ops.run("rotate-secrets", "secret=both");

        assertThat(r.exitCode()).as(r.all()).isZero();
        for (Map.Entry<String, Map<String, String>> secret : before.entrySet()) {
            Map<String, String> after = stages(ops, secret.getKey());
            assertThat(after.get("AWSCURRENT")).as(secret.getKey()).isNotNull().isNotEqualTo(secret.getValue().get("AWSCURRENT"));
            assertThat(after.get("AWSPREVIOUS")).as(secret.getKey()).isEqualTo(secret.getValue().get("AWSCURRENT"));
            assertThat(r.out()).contains("AWSCURRENT now    " + after.get("AWSCURRENT"));
            assertThat(everythingWritten(r)).doesNotContain(currentValue(ops, secret.getKey()));
        }
        Map<String, String> deploymentsAfter = primaryDeployments(ops);
        for (String service : SeedData.SERVICES) {
            assertThat(deploymentsAfter.get(service)).as(service).isNotEqualTo(deployments.get(service));
        }
    }

    @Test
    @Order(24)
    void rotateSecrets_run_whenBothButThePasswordHasNoRotationFunction_refusesBeforeRotatingEitherInAnUnprotectedEnvironment(
            SandboxInfo sandbox, @TempDir Path dir) throws IOException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        // a staging-like environment (not protected) whose database password has no rotation function
        String secretId = "discordination/db-password-without-rotation";
        try (SecretsManagerClient sm = ops.aws(SecretsManagerClient.builder())) {
            sm.createSecret(b -> b.name(secretId).secretString("a-password-nobody-rotates-4471"));
        }
        String local = Files.readString(sandbox.environmentFile());
        assertThat(local).contains("name: local\n", "protected: false\n", "db-password: " + SeedData.DB_PASSWORD_SECRET_ID + "\n");
        Path staging = Files.writeString(dir.resolve("staging.yaml"), local.replace("name: local\n", "name: staging\n")
                .replace("db-password: " + SeedData.DB_PASSWORD_SECRET_ID + "\n", "db-password: " + secretId + "\n"));
        Map<String, String> jwt = stages(ops, SeedData.JWT_SECRET_ID);
        Map<String, String> db = stages(ops, secretId);
        Map<String, String> deployments = primaryDeployments(ops);

        Cli.Result r = new Cli(home, Cli.projectRoot()).run("run", "rotate-secrets", "--env", staging.toString(), "--yes",
                "--param", "secret=both");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("refused before step 1", secretId + " has no rotation function", "nothing was changed");
        assertThat(r.out()).contains("Nothing was changed by this run.").doesNotContain("1. Check the JWT secret");
        // the JWT secret is not rotated either: a rotation without the redeployments after it would strand the services
        assertThat(stages(ops, SeedData.JWT_SECRET_ID)).isEqualTo(jwt);
        assertThat(stages(ops, secretId)).isEqualTo(db);
        assertThat(currentValue(ops, secretId)).isEqualTo("a-password-nobody-rotates-4471");
        assertThat(primaryDeployments(ops)).isEqualTo(deployments);
        String runId = r.out().replaceFirst("(?s).*Run (\\S+) refused.*", "$1");
        List<String> audit = Files.readAllLines(home.resolve("audit").resolve("staging.jsonl")).stream()
                .filter(l -> l.contains("\"runId\":\"" + runId + "\"")).toList();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0)).contains("\"event\":\"refused\"", "no rotation function");
    }

    @Test
    @Order(24)
    void rotateSecrets_secretRotate_whenItHasNoRotationFunction_isRefusedByTheLibraryToo(SandboxInfo sandbox, @TempDir Path dir)
            throws IOException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        // the REPL or embedding code has no runbook policy: the verb itself refuses
        String secretId = "discordination/jwt-secret-without-rotation";
        try (SecretsManagerClient sm = ops.aws(SecretsManagerClient.builder())) {
            sm.createSecret(b -> b.name(secretId).secretString("a-key-nobody-rotates-8820"));
        }
        String local = Files.readString(sandbox.environmentFile());
        Path staging = Files.writeString(dir.resolve("staging.yaml"), local.replace("name: local\n", "name: staging\n")
                .replace("jwt-secret: " + SeedData.JWT_SECRET_ID + "\n", "jwt-secret: " + secretId + "\n"));
        Path script = Files.writeString(dir.resolve("rotate-only.jsh"), """
                runbook("rotate-only", "Rotate only")
                    .action("Rotate the JWT secret", () -> secret("jwt-secret").rotate());
                """);

        Cli.Result r = new Cli(home, Cli.projectRoot()).run("run", script.toString(), "--env", staging.toString(), "--yes");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("Refused to rotate " + secretId + ": it has no rotation function", "RotationLambdaARN absent");
        assertThat(currentValue(ops, secretId)).isEqualTo("a-key-nobody-rotates-8820");
    }

    private static final class Shell {
        static String run(SandboxInfo sandbox, String... command) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
            pb.environment().putAll(sandbox.exports());
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
            return p.exitValue() + ":" + out.strip();
        }
    }

    /** psql as the application's role with {@code password}: "0:discordination" when it logs in. */
    private static String psqlAsApplication(SandboxInfo sandbox, String password) throws IOException, InterruptedException {
        return Shell.run(sandbox, "psql", "postgresql://" + sandbox.databaseUser() + ":" + password + "@127.0.0.1:"
                + sandbox.postgresPort() + "/" + SeedData.DATABASE, "-tAc", "SELECT current_user");
    }

    private static String awsText(SandboxInfo sandbox, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.addAll(List.of("--output", "text"));
        String out = Shell.run(sandbox, command.toArray(String[]::new));
        assertThat(out).startsWith("0:");
        return out.substring(2);
    }

    @Test
    @Order(25)
    void rotateSecrets_run_whenDbPassword_postgresTakesOnlyTheNewPasswordAndTheServicesRestartAfterTheRotation(SandboxInfo sandbox)
            throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        String id = SeedData.DB_PASSWORD_SECRET_ID;
        String oldPassword = awsText(sandbox, "secretsmanager", "get-secret-value", "--secret-id", id, "--query", "SecretString");
        assertThat(psqlAsApplication(sandbox, oldPassword)).isEqualTo("0:" + sandbox.databaseUser());
        Map<String, String> before = stages(ops, id);

        Cli.Result r = ops.run("rotate-secrets", "secret=db-password");

        assertThat(r.exitCode()).as(r.all()).isZero();
        String newPassword = awsText(sandbox, "secretsmanager", "get-secret-value", "--secret-id", id, "--query", "SecretString");
        assertThat(newPassword).isNotBlank().isNotEqualTo(oldPassword);
        assertThat(psqlAsApplication(sandbox, newPassword)).isEqualTo("0:" + sandbox.databaseUser());
        assertThat(psqlAsApplication(sandbox, oldPassword)).startsWith("2:").contains("password authentication failed");
        Map<String, String> after = stages(ops, id);
        assertThat(after).containsEntry("AWSPREVIOUS", before.get("AWSCURRENT")).doesNotContainKey("AWSPENDING");
        String newVersion = after.get("AWSCURRENT");
        assertThat(r.out()).contains("AWSCURRENT now    " + newVersion, "rotated after");
        // the restarts came after the rotation had finished (LastRotatedDate: when finishSecret had moved AWSCURRENT)
        java.time.Instant rotated;
        java.time.Instant versionCreated;
        try (SecretsManagerClient sm = ops.aws(SecretsManagerClient.builder())) {
            rotated = sm.describeSecret(b -> b.secretId(id)).lastRotatedDate();
            versionCreated = sm.listSecretVersionIds(b -> b.secretId(id)).versions().stream()
                    .filter(v -> v.versionId().equals(newVersion)).findFirst().orElseThrow().createdDate();
        }
        assertThat(rotated).isNotNull().isAfterOrEqualTo(versionCreated.minusSeconds(1));
        try (EcsClient ecs = ops.aws(EcsClient.builder())) {
            for (Service s : ecs.describeServices(b -> b.cluster(SeedData.CLUSTER).services(SeedData.SERVICES)).services()) {
                Deployment primary = s.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElseThrow();
                assertThat(primary.createdAt()).as(s.serviceName() + " redeployed after the rotation finished").isAfter(rotated);
            }
        }
        assertThat(everythingWritten(r)).doesNotContain(newPassword, oldPassword);
    }

    /** The application's password is back to the seeded one, for the tests that connect with it next. */
    @org.junit.jupiter.api.AfterAll
    static void resetTheRotatedPassword(io.discordination.ops.sandbox.Sandbox sandbox) {
        sandbox.reset();
    }
}
