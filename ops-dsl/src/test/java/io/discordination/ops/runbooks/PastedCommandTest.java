package io.discordination.ops.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command a plan shows for an action is one an operator can paste: restore-deleted-file's, run
 * by bash with {@code ops sandbox env} loaded on a second sandbox, restores the same version that
 * {@code ops run} restores on the first (both seeded alike; moto gives each its own version ids, so
 * "the same" is the same place in the history: the newest version under the delete marker).
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class PastedCommandTest {
    @TempDir
    static Path home;

    private static final String KEY = SeedData.DELETED_FILE_KEY;
    private static final String FILE = "file=" + SeedData.DELETED_FILE_ID;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void restoreCommand_whenPastedIntoBashWithTheSandboxEnv_restoresTheVersionOpsRunRestores(SandboxInfo first, @TempDir Path secondHome)
            throws Exception {
        AreaARunbookSupport byOps = new AreaARunbookSupport(first, home);
        Cli.Result run = byOps.run("restore-deleted-file", FILE);
        assertThat(run.exitCode()).as(run.all()).isZero();
        String restoredByOps;
        String positionByOps;
        try (S3Client s3 = byOps.aws(S3Client.builder().forcePathStyle(true))) {
            restoredByOps = content(s3, null);
            positionByOps = positionOfTheCopiedVersion(s3);
        }

        Sandbox second = Sandbox.at(secondHome);
        try {
            SandboxInfo info = second.up();
            AreaARunbookSupport byHand = new AreaARunbookSupport(info, home);
            Cli.Result plan = byHand.planJson("restore-deleted-file", FILE);
            assertThat(plan.exitCode()).as(plan.all()).isZero();
            JsonNode effect = Json.mapper().readTree(plan.out()).at("/steps/1/effects/0");
            String command = effect.get("command").asText();
            String planned = effect.at("/parameters/versionId").asText();
            Cli.Result env = new Cli(secondHome, Cli.projectRoot()).run("sandbox", "env");
            assertThat(env.exitCode()).as(env.all()).isZero();

            ProcessBuilder bash = new ProcessBuilder("bash", "-c", "set -e; eval \"$SANDBOX_ENV\"; " + command).redirectErrorStream(true);
            bash.environment().put("SANDBOX_ENV", env.out());
            Process p = bash.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(command + "\n" + out).isZero();

            try (S3Client s3 = byHand.aws(S3Client.builder().forcePathStyle(true))) {
                ListObjectVersionsResponse now = s3.listObjectVersions(b -> b.bucket(SeedData.BUCKET).prefix(KEY));
                assertThat(now.deleteMarkers()).noneMatch(m -> Boolean.TRUE.equals(m.isLatest()));
                // the pasted command copied the version the plan named, which is the one ops run would copy
                assertThat(content(s3, null)).isEqualTo(content(s3, planned)).isEqualTo(restoredByOps);
                assertThat(positionOfTheCopiedVersion(s3)).isEqualTo(positionByOps);
            }
        } finally {
            second.down();
        }
    }

    /** The content of the key now (null) or of one version. */
    private static String content(S3Client s3, String versionId) {
        return s3.getObjectAsBytes(b -> b.bucket(SeedData.BUCKET).key(KEY).versionId(versionId)).asString(StandardCharsets.UTF_8);
    }

    /**
     * Which of the seeded versions (counted from the oldest) the current content came from: the same
     * answer on two sandboxes means the same version was restored, whatever ids moto gave them.
     */
    private static String positionOfTheCopiedVersion(S3Client s3) {
        List<software.amazon.awssdk.services.s3.model.ObjectVersion> versions =
                s3.listObjectVersions(b -> b.bucket(SeedData.BUCKET).prefix(KEY)).versions();
        String current = content(s3, null);
        // oldest first; the newest (the copy) is left out
        List<software.amazon.awssdk.services.s3.model.ObjectVersion> seeded = new java.util.ArrayList<>(versions.subList(1, versions.size()));
        java.util.Collections.reverse(seeded);
        for (int i = 0; i < seeded.size(); i++) {
            if (content(s3, seeded.get(i).versionId()).equals(current)) return "seeded version " + (i + 1) + " of " + seeded.size();
        }
        return "none of the seeded versions";
    }
}
