package io.discordination.ops.s3;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.AwsCalls;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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

    /** A bucket of the test's own, versioned, with {@code objects} small objects under two prefixes; returns its name. */
    private static String bucketWith(SandboxInfo info, int objects) {
        String name = "usage-" + UUID.randomUUID();
        try (S3Client s3 = s3(info)) {
            s3.createBucket(b -> b.bucket(name));
            s3.putBucketVersioning(b -> b.bucket(name).versioningConfiguration(v -> v.status("Enabled")));
            for (int i = 0; i < objects; i++) {
                String key = (i % 2 == 0 ? "attachments/" : "avatars/") + i + ".txt";
                s3.putObject(b -> b.bucket(name).key(key), RequestBody.fromString("x".repeat(10)));
            }
        }
        return name;
    }

    /** What S3 would publish for {@code bucket} a day later: yesterday's datapoints of its storage metrics. */
    private static void publishStorageMetrics(SandboxInfo info, String bucket, long objects, long bytes) {
        try (CloudWatchClient cw = SandboxAws.client(info, CloudWatchClient.builder())) {
            Instant yesterday = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
            cw.putMetricData(b -> b.namespace("AWS/S3").metricData(
                    MetricDatum.builder().metricName("BucketSizeBytes").timestamp(yesterday).value((double) bytes)
                            .dimensions(d -> d.name("BucketName").value(bucket), d -> d.name("StorageType").value("StandardStorage")).build(),
                    MetricDatum.builder().metricName("BucketSizeBytes").timestamp(yesterday).value(1000.0)
                            .dimensions(d -> d.name("BucketName").value(bucket), d -> d.name("StorageType").value("GlacierStorage")).build(),
                    MetricDatum.builder().metricName("NumberOfObjects").timestamp(yesterday).value((double) objects)
                            .dimensions(d -> d.name("BucketName").value(bucket), d -> d.name("StorageType").value("AllStorageTypes")).build()));
        }
    }

    @Test
    void usage_whenTheBucketIsSeeded_readsTheDailyStorageMetricsTheCliShows(SandboxInfo info, @TempDir Path home) throws Exception {
        JsonNode bytes = Json.mapper().readTree(SandboxAws.cli(info, "cloudwatch", "get-metric-statistics", "--namespace", "AWS/S3",
                "--metric-name", "BucketSizeBytes", "--dimensions", "Name=BucketName,Value=" + SeedData.BUCKET,
                "Name=StorageType,Value=StandardStorage", "--start-time", Instant.now().minus(Duration.ofDays(3)).toString(),
                "--end-time", Instant.now().toString(), "--period", "86400", "--statistics", "Average"));
        JsonNode objects = Json.mapper().readTree(SandboxAws.cli(info, "cloudwatch", "get-metric-statistics", "--namespace", "AWS/S3",
                "--metric-name", "NumberOfObjects", "--dimensions", "Name=BucketName,Value=" + SeedData.BUCKET,
                "Name=StorageType,Value=AllStorageTypes", "--start-time", Instant.now().minus(Duration.ofDays(3)).toString(),
                "--end-time", Instant.now().toString(), "--period", "86400", "--statistics", "Average"));
        try (OpsContext ops = SandboxAws.context(info, home)) {
            AwsCalls.Snapshot before = ops.awsCalls().snapshot();
            BucketUsage usage = ops.bucket().usage();
            AwsCalls.Snapshot made = ops.awsCalls().snapshot().since(before);

            assertThat(usage.source()).isEqualTo(BucketUsage.METRICS);
            assertThat(usage.totalBytes()).isEqualTo(bytes.at("/Datapoints/0/Average").asLong()).isPositive();
            assertThat(usage.totalObjects()).isEqualTo(objects.at("/Datapoints/0/Average").asLong()).isPositive();
            // S3 publishes yesterday's figures at 00:00 UTC
            assertThat(usage.asOf()).isEqualTo(Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1)));
            assertThat(usage.currentObjects()).isNull();
            assertThat(made.calls()).isEqualTo(java.util.Map.of("CloudWatch:ListMetrics", 1L, "CloudWatch:GetMetricData", 1L));
            assertThat(usage.toString()).contains("Total Objects", "every version", "not in the metrics");
        }
    }

    @Test
    void usage_whenTheBucketHoldsHundredsOfTimesMoreObjects_makesTheSameCalls(SandboxInfo info, @TempDir Path home) {
        String small = bucketWith(info, 4);
        String large = bucketWith(info, 600);
        publishStorageMetrics(info, small, 4, 40);
        publishStorageMetrics(info, large, 600, 6000);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            AwsCalls.Snapshot t0 = ops.awsCalls().snapshot();
            BucketUsage ofSmall = ops.bucket(small).usage();
            AwsCalls.Snapshot t1 = ops.awsCalls().snapshot();
            BucketUsage ofLarge = ops.bucket(large).usage();
            AwsCalls.Snapshot t2 = ops.awsCalls().snapshot();

            assertThat(t2.since(t1).calls()).isEqualTo(t1.since(t0).calls());
            assertThat(t2.since(t1).total()).isEqualTo(2);
            assertThat(ofSmall.totalObjects()).isEqualTo(4);
            assertThat(ofLarge.totalObjects()).isEqualTo(600);
            // every storage type's bytes add up
            assertThat(ofLarge.bytesByStorageType()).containsEntry("StandardStorage", 6000L).containsEntry("GlacierStorage", 1000L);
            assertThat(ofLarge.totalBytes()).isEqualTo(7000);
        }
    }

    @Test
    void exactUsage_whenVersionsAndDeleteMarkers_countsCurrentAndNoncurrentAsTheCliListsThem(SandboxInfo info, @TempDir Path home)
            throws Exception {
        String name = bucketWith(info, 30);
        try (S3Client s3 = s3(info)) {
            s3.putObject(b -> b.bucket(name).key("attachments/0.txt"), RequestBody.fromString("a longer second version"));
            s3.putObject(b -> b.bucket(name).key("root.txt"), RequestBody.fromString("at the top"));
            s3.deleteObject(b -> b.bucket(name).key("avatars/1.txt"));
        }
        List<Long> expected = cliCounts(info, name);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            BucketUsage usage = ops.bucket(name).exactUsage();

            assertThat(usage.exact()).isTrue();
            assertThat(counts(usage)).isEqualTo(expected);
            assertThat(usage.currentObjects()).isEqualTo(30);
            assertThat(usage.noncurrentVersions()).isEqualTo(2);
            assertThat(usage.deleteMarkers()).isEqualTo(1);
            // 33 versions fit one page: a small bucket is one call, not split
            assertThat(usage.calls()).isEqualTo(1);
        }
    }

    /** Current objects and bytes, noncurrent versions and bytes, delete markers of {@code bucket} as the CLI lists them (it pages itself). */
    private static List<Long> cliCounts(SandboxInfo info, String bucket) throws Exception {
        JsonNode listing = Json.mapper().readTree(SandboxAws.cli(info, "s3api", "list-object-versions", "--bucket", bucket));
        long current = 0, currentBytes = 0, noncurrent = 0, noncurrentBytes = 0;
        for (JsonNode v : listing.path("Versions")) {
            if (v.path("IsLatest").asBoolean()) {
                current++;
                currentBytes += v.path("Size").asLong();
            } else {
                noncurrent++;
                noncurrentBytes += v.path("Size").asLong();
            }
        }
        return List.of(current, currentBytes, noncurrent, noncurrentBytes, (long) listing.path("DeleteMarkers").size());
    }

    /** The same figures of an exact count. */
    private static List<Long> counts(BucketUsage u) {
        return List.of(u.currentObjects(), u.currentBytes(), u.noncurrentVersions(), u.noncurrentBytes(), u.deleteMarkers());
    }

    @Test
    void exactUsage_whenOnePrefixHoldsMostObjects_splitsItByItsNextLevelsAndCountsEachVersionOnce(SandboxInfo info, @TempDir Path home)
            throws Exception {
        String name = "skewed-" + UUID.randomUUID();
        try (S3Client s3 = s3(info)) {
            s3.createBucket(b -> b.bucket(name));
            s3.putBucketVersioning(b -> b.bucket(name).versioningConfiguration(v -> v.status("Enabled")));
            List<String> keys = new ArrayList<>();
            // one big prefix, itself skewed: big/a/ holds most, two levels deep
            for (int i = 0; i < 24; i++) keys.add("big/a/" + (i % 3) + "/" + i + ".bin");
            for (int i = 0; i < 3; i++) keys.add("big/b/" + i + ".bin");
            // keys that sort around a sub-prefix: its own name without and with a slash, and neighbours
            keys.addAll(List.of("big/c", "big/c/", "big/c.txt", "big/c-1/x.bin", "big/c/y.bin", "big/d.txt", "small/1.bin", "root.txt"));
            for (String key : keys) s3.putObject(b -> b.bucket(name).key(key), RequestBody.fromString("content of " + key));
            // noncurrent versions and delete markers, inside and at the edges of the split parts
            s3.putObject(b -> b.bucket(name).key("big/a/1/1.bin"), RequestBody.fromString("second version"));
            s3.putObject(b -> b.bucket(name).key("big/c"), RequestBody.fromString("second version of big/c"));
            s3.deleteObject(b -> b.bucket(name).key("big/b/2.bin"));
            s3.deleteObject(b -> b.bucket(name).key("big/c/"));
        }
        List<Long> expected = cliCounts(info, name);
        assertThat(expected).isEqualTo(List.of(33L, expected.get(1), 4L, expected.get(3), 2L));
        try (OpsContext ops = SandboxAws.context(info, home)) {
            Bucket bucket = ops.bucket(name);
            // pages of 4 entries: every level pages, big/a/ is split by its three sub-prefixes
            BucketUsage deep = bucket.exactUsage("", 4, 256, 10_000);
            assertThat(counts(deep)).isEqualTo(expected);
            // more calls than one flat listing of 37 versions in pages of 4 (10): the tree was split level by level
            assertThat(deep.calls()).isGreaterThan(10);
            // few parts: sub-prefixes grouped into key ranges listed whole
            BucketUsage grouped = bucket.exactUsage("", 4, 3, 10_000);
            assertThat(counts(grouped)).isEqualTo(expected);
            // a level naming more sub-prefixes than the bound: the rest listed whole from where it stopped
            BucketUsage wide = bucket.exactUsage("", 4, 256, 1);
            assertThat(counts(wide)).isEqualTo(expected);
            assertThat(bucket.exactUsage("big/").currentObjects()).isEqualTo(31);
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
