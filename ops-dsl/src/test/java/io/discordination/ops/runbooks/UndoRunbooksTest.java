package io.discordination.ops.runbooks;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.Scope;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ops undo} after the runbooks whose effects can be reversed, against the sandbox: the WAF
 * set, the account flag and the file's versions are read with clients built here (AWS SDK, JDBC),
 * and changed behind the run's back to show that undo reverses only what the run itself did.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class UndoRunbooksTest {
    private static final String KEY = SeedData.DELETED_FILE_KEY;

    @TempDir
    static Path home;

    // --- rate-limit-bypass ---

    private static GetIpSetResponse ipSet(Wafv2Client waf, SandboxInfo sandbox) {
        return waf.getIPSet(b -> b.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(sandbox.ipSetId()));
    }

    @Test
    void undo_afterRateLimitBypass_removesExactlyTheAddressesTheRunAdded(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        try (Wafv2Client waf = ops.aws(Wafv2Client.builder())) {
            List<String> before = ipSet(waf, sandbox).ipSet().addresses();
            assertThat(before).containsExactlyInAnyOrderElementsOf(SeedData.BLOCKED_ADDRESSES);
            // one address the run asks for was blocked before it: undo must leave it
            Cli.Result run = ops.run("rate-limit-bypass", "since=2h",
                    "block=" + SeedData.DOMINANT_429_IP + ",198.51.100.0/24," + SeedData.BLOCKED_ADDRESSES.get(0));
            assertThat(run.exitCode()).as(run.all()).isZero();
            // someone else blocks an address after the run
            GetIpSetResponse now = ipSet(waf, sandbox);
            List<String> withOthers = new ArrayList<>(now.ipSet().addresses());
            withOthers.add("203.0.113.99/32");
            waf.updateIPSet(b -> b.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(sandbox.ipSetId())
                    .addresses(withOthers).lockToken(now.lockToken()));

            List<String> afterOthers = ipSet(waf, sandbox).ipSet().addresses();
            Cli.Result unconfirmed = ops.undo(SandboxRunbookSupport.runId(run), "--no-input");
            assertThat(unconfirmed.exitCode()).as(unconfirmed.all()).isEqualTo(3);
            assertThat(ipSet(waf, sandbox).ipSet().addresses()).as("refused, nothing changed").isEqualTo(afterOthers);

            Cli.Result undo = ops.undo(SandboxRunbookSupport.runId(run), "--yes");

            assertThat(undo.exitCode()).as(undo.all()).isZero();
            assertThat(undo.out()).contains("to undo: unblock waf ip set " + SeedData.IP_SET_NAME,
                    "addresses=" + SeedData.DOMINANT_429_IP + "/32,198.51.100.0/24", "undone: run");
            List<String> expected = new ArrayList<>(before);
            expected.add("203.0.113.99/32");
            assertThat(ipSet(waf, sandbox).ipSet().addresses()).containsExactlyInAnyOrderElementsOf(expected);

            Cli.Result again = ops.undo(SandboxRunbookSupport.runId(run), "--yes");
            assertThat(again.exitCode()).as(again.all()).isEqualTo(3);
            assertThat(again.err()).contains("was already undone");
            assertThat(ipSet(waf, sandbox).ipSet().addresses()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void undo_whenTheRunIdIsUnknown_exitsTwoWithOneLine(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);

        Cli.Result r = ops.undo("20200101-000000-dead", "--yes");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1).first().asString().contains("No run 20200101-000000-dead");
    }

    // --- compromised-account ---

    private static boolean disabled(AreaBRunbookSupport ops, String userId) throws SQLException {
        try (Connection c = ops.database(); PreparedStatement st = c.prepareStatement("SELECT disabled FROM users WHERE id::text = ?")) {
            st.setString(1, userId);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBoolean(1);
            }
        }
    }

    private static void setDisabled(AreaBRunbookSupport ops, String userId, boolean value) throws SQLException {
        try (Connection c = ops.database(); PreparedStatement st = c.prepareStatement("UPDATE users SET disabled = ? WHERE id::text = ?")) {
            st.setBoolean(1, value);
            st.setString(2, userId);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void undo_afterCompromisedAccount_reEnablesTheAccountAndListsWhatCannotBeUndone(SandboxInfo sandbox) throws SQLException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        String user = SeedData.userId(3);
        assertThat(disabled(ops, user)).isFalse();
        Cli.Result run = ops.run("compromised-account", "user=" + user);
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(disabled(ops, user)).isTrue();

        Cli.Result undo = ops.undo(SandboxRunbookSupport.runId(run), "--yes");

        assertThat(undo.exitCode()).as(undo.all()).isZero();
        assertThat(undo.out()).contains("to undo: enable-account user " + user,
                "CANNOT BE UNDONE: invalidate-sessions sessions of user " + user, "cannot be undone: the user signs in again",
                "CANNOT BE UNDONE: force-disconnect");
        assertThat(undo.out().indexOf("enable-account")).as("newest first").isLessThan(undo.out().indexOf("invalidate-sessions"));
        assertThat(disabled(ops, user)).isFalse();
    }

    @Test
    void undo_asJson_listsEachFinishedEffectWithItsInverseAndStatus(SandboxInfo sandbox) throws Exception {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        String user = SeedData.userId(6);
        Cli.Result run = ops.run("compromised-account", "user=" + user);
        assertThat(run.exitCode()).as(run.all()).isZero();

        Cli.Result undo = ops.undo(SandboxRunbookSupport.runId(run), "--yes", "--output", "json");

        assertThat(undo.exitCode()).as(undo.all()).isZero();
        com.fasterxml.jackson.databind.JsonNode json = io.discordination.ops.Json.mapper().readTree(undo.out());
        assertThat(json.path("runId").asText()).isEqualTo(SandboxRunbookSupport.runId(run));
        assertThat(json.path("undoRunId").asText()).isNotBlank().isNotEqualTo(json.path("runId").asText());
        List<String> statuses = new ArrayList<>();
        json.path("steps").forEach(s -> statuses.add(s.path("effect").path("verb").asText() + " " + s.path("status").asText()));
        assertThat(statuses).containsExactly("disable-account undone", "force-disconnect cannot be undone",
                "invalidate-sessions cannot be undone: the user signs in again");
        assertThat(disabled(ops, user)).isFalse();
    }

    @Test
    void undo_afterCompromisedAccount_whenTheAccountWasDisabledBefore_leavesItDisabled(SandboxInfo sandbox) throws SQLException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        String user = SeedData.userId(4);
        setDisabled(ops, user, true);
        try {
            Cli.Result run = ops.run("compromised-account", "user=" + user);
            assertThat(run.exitCode()).as(run.all()).isZero();

            Cli.Result undo = ops.undo(SandboxRunbookSupport.runId(run), "--yes");

            assertThat(undo.exitCode()).as(undo.all()).isZero();
            assertThat(undo.out()).doesNotContain("enable-account").contains("nothing to undo");
            assertThat(disabled(ops, user)).isTrue();
        } finally {
            setDisabled(ops, user, false);
        }
    }

    @Test
    void plan_ofCompromisedAccount_saysWhichEffectsCannotBeUndoneBeforeTheyRun(SandboxInfo sandbox) throws SQLException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        String user = SeedData.userId(5);

        Cli.Result plan = ops.plan("compromised-account", "user=" + user);

        assertThat(plan.exitCode()).as(plan.all()).isZero();
        String out = plan.out();
        String sessions = out.substring(out.indexOf("would: invalidate-sessions"), out.indexOf("would: force-disconnect"));
        assertThat(sessions).contains("     cannot be undone: the user signs in again");
        String disable = out.substring(out.indexOf("would: disable-account"));
        assertThat(disable.substring(0, disable.indexOf("\n\n"))).doesNotContain("cannot be undone");
        assertThat(disabled(ops, user)).isFalse();
    }

    // --- create-db-backup ---

    private static Set<String> snapshotIds(RdsClient rds) {
        return rds.describeDBSnapshots(b -> b.dbInstanceIdentifier(SeedData.DB_INSTANCE)).dbSnapshots().stream()
                .map(DBSnapshot::dbSnapshotIdentifier).collect(Collectors.toSet());
    }

    @Test
    void undo_afterCreateDbBackup_deletesOnlyTheSnapshotTheRunTook(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        try (RdsClient rds = ops.aws(RdsClient.builder())) {
            Set<String> before = snapshotIds(rds);
            Cli.Result run = ops.run("create-db-backup");
            assertThat(run.exitCode()).as(run.all()).isZero();
            assertThat(snapshotIds(rds)).hasSize(before.size() + 1);

            Cli.Result undo = ops.undo(SandboxRunbookSupport.runId(run), "--yes");

            assertThat(undo.exitCode()).as(undo.all()).isZero();
            assertThat(undo.out()).contains("to undo: delete-snapshot rds snapshot manual-");
            assertThat(snapshotIds(rds)).isEqualTo(before);
        }
    }

    private static List<String> instances(RdsClient rds) {
        return rds.describeDBInstances().dbInstances().stream()
                .map(software.amazon.awssdk.services.rds.model.DBInstance::dbInstanceIdentifier).toList();
    }

    @Test
    void undo_afterRestoreDbBackup_deletesTheRestoredInstanceAndLeavesTheOriginal(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        try (RdsClient rds = ops.aws(RdsClient.builder())) {
            Cli.Result run = ops.run("restore-db-backup", "target=restore-to-undo");
            assertThat(run.exitCode()).as(run.all()).isZero();
            assertThat(instances(rds)).contains("restore-to-undo", SeedData.DB_INSTANCE);

            Cli.Result undo = ops.undo(SandboxRunbookSupport.runId(run), "--yes");

            assertThat(undo.exitCode()).as(undo.all()).isZero();
            assertThat(undo.out()).contains("to undo: delete-instance rds instance restore-to-undo",
                    "--db-instance-identifier restore-to-undo --skip-final-snapshot");
            assertThat(instances(rds)).doesNotContain("restore-to-undo").contains(SeedData.DB_INSTANCE);
        }
    }

    // --- rotate-secrets ---

    private static String current(SecretsManagerClient sm, String secretId) {
        return sm.listSecretVersionIds(b -> b.secretId(secretId)).versions().stream()
                .filter(v -> v.versionStages().contains("AWSCURRENT")).map(SecretVersionsListEntry::versionId).findFirst().orElseThrow();
    }

    @Test
    void undo_afterRotateSecrets_movesAwsCurrentBackAndSaysWhatThatLeavesAsItIs(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        try (SecretsManagerClient sm = ops.aws(SecretsManagerClient.builder())) {
            String before = current(sm, SeedData.JWT_SECRET_ID);
            Cli.Result run = ops.run("rotate-secrets", "secret=jwt");
            assertThat(run.exitCode()).as(run.all()).isZero();
            String rotated = current(sm, SeedData.JWT_SECRET_ID);
            assertThat(rotated).isNotEqualTo(before);

            java.time.Instant beforeUndo = java.time.Instant.now();
            Cli.Result undo = ops.undo(SandboxRunbookSupport.runId(run), "--yes");

            assertThat(undo.exitCode()).as(undo.all()).isZero();
            assertThat(undo.out()).contains("to undo: restore-previous-version secret " + SeedData.JWT_SECRET_ID,
                    "until they are redeployed", "CANNOT BE UNDONE: force-redeploy",
                    "then redeploy: force-redeploy ecs service " + SeedData.CLUSTER + "/api",
                    "then redeploy: force-redeploy ecs service " + SeedData.CLUSTER + "/gateway");
            assertThat(current(sm, SeedData.JWT_SECRET_ID)).isEqualTo(before);
            // the services load the restored value: each got a new deployment after the undo began (ECS, read with the SDK)
            try (software.amazon.awssdk.services.ecs.EcsClient ecs = ops.aws(software.amazon.awssdk.services.ecs.EcsClient.builder())) {
                for (String service : SeedData.SERVICES) {
                    var primary = ecs.describeServices(b -> b.cluster(SeedData.CLUSTER).services(service)).services().get(0)
                            .deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElseThrow();
                    assertThat(primary.createdAt()).as(service).isAfter(beforeUndo);
                }
            }
            // the redeploys ran after the secret moved back, in the undo's audit run
            assertThat(undo.out().indexOf("undoing: force-redeploy")).isGreaterThan(undo.out().indexOf("undoing: restore-previous-version"));
        }
    }

    // --- restore-deleted-file ---

    private static boolean isDeleted(S3Client s3) {
        return s3.listObjectVersions(b -> b.bucket(SeedData.BUCKET).prefix(KEY)).deleteMarkers().stream()
                .anyMatch(m -> Boolean.TRUE.equals(m.isLatest()));
    }

    private static List<ObjectVersion> versions(S3Client s3) {
        return s3.listObjectVersions(b -> b.bucket(SeedData.BUCKET).prefix(KEY)).versions();
    }

    @Test
    void undo_afterRestoreDeletedFile_deletesTheFileAgainAndKeepsItsContentVersion(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        try (S3Client s3 = ops.aws(S3Client.builder().forcePathStyle(true))) {
            if (!isDeleted(s3)) s3.deleteObject(b -> b.bucket(SeedData.BUCKET).key(KEY));
            Cli.Result run = ops.run("restore-deleted-file", "file=" + SeedData.DELETED_FILE_ID);
            assertThat(run.exitCode()).as(run.all()).isZero();
            assertThat(isDeleted(s3)).isFalse();
            String restored = versions(s3).stream().filter(v -> Boolean.TRUE.equals(v.isLatest())).findFirst().orElseThrow().versionId();
            String content = s3.getObject(b -> b.bucket(SeedData.BUCKET).key(KEY), ResponseTransformer.toBytes())
                    .asString(StandardCharsets.UTF_8);

            Cli.Result undo = ops.undo(SandboxRunbookSupport.runId(run), "--yes");

            assertThat(undo.exitCode()).as(undo.all()).isZero();
            assertThat(undo.out()).contains("to undo: put-delete-marker s3 object s3://" + SeedData.BUCKET + "/" + KEY);
            assertThat(isDeleted(s3)).isTrue();
            assertThat(versions(s3)).extracting(ObjectVersion::versionId).contains(restored);
            assertThat(s3.getObject(b -> b.bucket(SeedData.BUCKET).key(KEY).versionId(restored), ResponseTransformer.toBytes())
                    .asString(StandardCharsets.UTF_8)).isEqualTo(content);
        }
    }
}
