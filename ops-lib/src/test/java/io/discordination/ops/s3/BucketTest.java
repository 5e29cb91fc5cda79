package io.discordination.ops.s3;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SandboxExtension.class)
class BucketTest {

    private static S3Client s3(SandboxInfo info) {
        return SandboxAws.client(info, S3Client.builder().forcePathStyle(true));
    }

    /** A key of the test's own with the given versions written in order; returns their version ids. */
    private static List<String> writeVersions(SandboxInfo info, String key, String... contents) {
        List<String> ids = new ArrayList<>();
        try (S3Client s3 = s3(info)) {
            for (String c : contents) {
                ids.add(s3.putObject(b -> b.bucket(SeedData.BUCKET).key(key), RequestBody.fromString(c)).versionId());
            }
        }
        return ids;
    }

    private static String current(SandboxInfo info, String key) {
        try (S3Client s3 = s3(info)) {
            return s3.getObjectAsBytes(b -> b.bucket(SeedData.BUCKET).key(key)).asString(StandardCharsets.UTF_8);
        }
    }

    private static int versionCount(SandboxInfo info, String key) {
        try (S3Client s3 = s3(info)) {
            var r = s3.listObjectVersions(b -> b.bucket(SeedData.BUCKET).prefix(key));
            return r.versions().size() + r.deleteMarkers().size();
        }
    }

    @Test
    void usage_whenBucketSeeded_matchesTheCliSummary(SandboxInfo info, @TempDir Path home) throws Exception {
        JsonNode listing = Json.mapper().readTree(SandboxAws.cli(info, "s3api", "list-objects-v2", "--bucket", SeedData.BUCKET));
        long objects = 0;
        long bytes = 0;
        for (JsonNode o : listing.path("Contents")) {
            objects++;
            bytes += o.path("Size").asLong();
        }
        try (OpsContext ops = SandboxAws.context(info, home)) {
            BucketUsage usage = ops.bucket().usage();
            assertThat(usage.totalObjects()).isEqualTo(objects).isPositive();
            assertThat(usage.totalBytes()).isEqualTo(bytes);
            assertThat(usage.toString()).contains("Total Objects").contains("Total Size");
        }
    }

    @Test
    void versions_whenFileDeleted_includesTheDeleteMarker(SandboxInfo info, @TempDir Path home) {
        String key = "attachments/ops-check-" + UUID.randomUUID() + "/a.txt";
        writeVersions(info, key, "one", "two");
        try (S3Client s3 = s3(info)) {
            s3.deleteObject(b -> b.bucket(SeedData.BUCKET).key(key));
        }
        try (OpsContext ops = SandboxAws.context(info, home)) {
            ObjectVersions versions = ops.bucket().versions(key);
            assertThat(versions.versions()).hasSize(3);
            assertThat(versions.versions().get(0).deleteMarker()).isTrue();
            assertThat(versions.versions().get(0).latest()).isTrue();
            assertThat(versions.deletedKeys()).containsExactly(key);
        }
    }

    @Test
    void restoreDeleted_whenDeleted_bringsBackTheNewestVersionAndVerifiesIt(SandboxInfo info, @TempDir Path home) {
        String key = "attachments/ops-check-" + UUID.randomUUID() + "/notes.txt";
        List<String> ids = writeVersions(info, key, "draft\n", "final\n");
        try (S3Client s3 = s3(info)) {
            s3.deleteObject(b -> b.bucket(SeedData.BUCKET).key(key));
        }
        try (OpsContext ops = SandboxAws.refusingContext(info, home)) {
            assertThat(ops.bucket().previousVersion(key)).get().extracting(ObjectVersion::versionId).isEqualTo(ids.get(1));
            // undoing a deletion replaces nothing, so it needs no confirmation
            ObjectRestore restore = ops.bucket().restoreDeleted(key);
            assertThat(restore.restoredVersionId()).isEqualTo(ids.get(1));
            assertThat(restore.wasDeleted()).isTrue();
            assertThat(restore.verified()).isTrue();
            assertThat(restore.newVersionId()).isNotIn(ids);
            assertThat(ops.gate().audit().read().get(0).effect().command()).isEqualTo(
                    "aws s3api copy-object --bucket discordination-files --copy-source '" + SeedData.BUCKET + "/" + key
                            + "?versionId=" + ids.get(1) + "' --key " + key);
        }
        assertThat(current(info, key)).isEqualTo("final\n");
    }

    @Test
    void restore_whenItReplacesALiveVersion_isConfirmedFirst(SandboxInfo info, @TempDir Path home) {
        String key = "attachments/ops-check-" + UUID.randomUUID() + "/edited.txt";
        List<String> ids = writeVersions(info, key, "good\n", "vandalized\n");
        try (OpsContext ops = SandboxAws.refusingContext(info, home)) {
            assertThatThrownBy(() -> ops.bucket().restore(key, ids.get(0))).isInstanceOf(OpsException.RefusedException.class);
        }
        assertThat(current(info, key)).isEqualTo("vandalized\n");
        try (OpsContext ops = SandboxAws.context(info, home)) {
            ObjectRestore restore = ops.bucket().restore(key, ids.get(0));
            assertThat(restore.replacedVersionId()).isEqualTo(ids.get(1));
            assertThat(restore.verified()).isTrue();
        }
        assertThat(current(info, key)).isEqualTo("good\n");
    }

    @Test
    void restore_whenDryRun_makesNoNewVersion(SandboxInfo info, @TempDir Path home) {
        String key = "attachments/ops-check-" + UUID.randomUUID() + "/dry.txt";
        List<String> ids = writeVersions(info, key, "a\n", "b\n");
        try (OpsContext ops = SandboxAws.dryRunContext(info, home)) {
            ObjectRestore planned = ops.bucket().restore(key, ids.get(0));
            assertThat(planned.planned()).isTrue();
            assertThat(ops.plan().effects()).singleElement().satisfies(e -> assertThat(e.destructive()).isTrue());
        }
        assertThat(versionCount(info, key)).isEqualTo(2);
    }

    @Test
    void restore_whenVersionUnknownOrNotDeleted_failsClearly(SandboxInfo info, @TempDir Path home) {
        String key = "attachments/ops-check-" + UUID.randomUUID() + "/live.txt";
        writeVersions(info, key, "x\n");
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.bucket().restore(key, "no-such-version")).isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("No version no-such-version");
            assertThatThrownBy(() -> ops.bucket().restoreDeleted(key)).isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("is not deleted");
        }
        assertThat(versionCount(info, key)).isEqualTo(1);
    }

    @Test
    void restoreDeleted_whenSeededDeletedAttachment_findsItsFinalVersion(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            ObjectVersions versions = ops.bucket().versions("attachments/" + SeedData.DELETED_FILE_ID);
            List<ObjectVersion> history = versions.forKey(SeedData.DELETED_FILE_KEY);
            assertThat(history).filteredOn(v -> !v.deleteMarker()).hasSizeGreaterThanOrEqualTo(2);
            ObjectVersion previous = versions.previousVersion(SeedData.DELETED_FILE_KEY).orElseThrow();
            try (S3Client s3 = s3(info)) {
                String content = s3.getObjectAsBytes(b -> b.bucket(SeedData.BUCKET).key(SeedData.DELETED_FILE_KEY)
                        .versionId(previous.versionId())).asString(StandardCharsets.UTF_8);
                assertThat(content).isEqualTo(SeedData.DELETED_FILE_VERSIONS.get(1));
            }
        }
    }
}
