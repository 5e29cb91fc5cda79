package io.discordination.ops.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file storage runbooks through the {@code ops} command line against the sandbox: s3-usage
 * (totals checked against a listing of our own), cleanup-run (the dry-run and real cleanup tasks
 * read back from ECS, the Groovy runbook and its JShell twin planning alike) and
 * restore-deleted-file (versions and content read with an S3 client built here). Plans change
 * nothing; the destructive steps refuse without a terminal.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class FileStorageRunbooksTest {
    /** One OPS_HOME for the class, so each script compiles once. */
    @TempDir
    static Path home;

    private static final String KEY = SeedData.DELETED_FILE_KEY;
    private static final String FILE = "file=" + SeedData.DELETED_FILE_ID;

    // --- s3-usage ---

    @Test
    void planAndRun_whenUsageIsAsked_reportTheDailyStorageMetricsInTwoCalls(SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        List<S3Object> before = objects(ops);
        // what S3 published (the sandbox seeds it as S3 does), read with a client of our own
        long versions = (long) storageMetric(ops, "NumberOfObjects", "AllStorageTypes");
        long bytes = (long) storageMetric(ops, "BucketSizeBytes", "StandardStorage");

        Cli.Result plan = ops.plan("s3-usage");
        Cli.Result run = ops.run("s3-usage");
        JsonNode json = Json.mapper().readTree(ops.planJson("s3-usage").out());

        assertThat(objects(ops)).as("a read changes nothing").isEqualTo(before);
        for (Cli.Result r : List.of(plan, run)) {
            assertThat(r.exitCode()).as(r.all()).isZero();
            // the seeded metrics count every version and delete marker, as S3's do
            assertThat(r.out()).contains("$ aws cloudwatch get-metric-statistics --namespace AWS/S3 --metric-name BucketSizeBytes",
                    "Total Objects         " + versions + " (every version", "Total Size            " + bytes + " (",
                    "not in the metrics");
        }
        assertThat(json.at("/steps/0/awsCalls").toString()).isEqualTo("{\"CloudWatch:GetMetricData\":1,\"CloudWatch:ListMetrics\":1}");
    }

    @Test
    void plan_whenExactIsAsked_listsEveryVersionAndSplitsCurrentFromNoncurrent(SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        List<S3Object> current = objects(ops);
        long objects = current.size();
        long bytes = current.stream().mapToLong(S3Object::size).sum();
        long markers;
        long noncurrent;
        try (S3Client s3 = s3(ops)) {
            var all = s3.listObjectVersionsPaginator(b -> b.bucket(SeedData.BUCKET));
            markers = all.deleteMarkers().stream().count();
            noncurrent = all.versions().stream().filter(v -> !v.isLatest()).count();
        }

        Cli.Result plan = ops.plan("s3-usage", "exact=true");
        JsonNode json = Json.mapper().readTree(ops.planJson("s3-usage", "exact=true").out());

        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("Total Objects        " + objects + " current", "Total Size           " + bytes + " (",
                "noncurrent versions  " + noncurrent + " (", "delete markers       " + markers, "exact listing (ListObjectVersions)");
        assertThat(json.at("/steps/0/awsCalls/S3:ListObjectVersions").asLong()).isPositive();
        assertThat(json.at("/steps/0/result/currentObjects").asLong()).isEqualTo(objects);
    }

    // --- cleanup-run ---

    @Test
    void plan_whenTheGroovyRunbookAndItsJShellTwinPlan_printTheSamePlanAndStartNoTask(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        int before = ops.tasksOf(SeedData.CLEANUP_TASK_FAMILY).size();

        Cli.Result groovy = ops.plan("cleanup-run");
        Cli.Result jsh = ops.plan(AreaARunbookSupport.file("jshell/cleanup-run.jsh"));

        assertThat(groovy.exitCode()).as(groovy.all()).isZero();
        assertThat(jsh.exitCode()).as(jsh.all()).isZero();
        assertThat(jsh.out()).isEqualTo(groovy.out());
        assertThat(groovy.out()).contains(
                "1. Run cleanup daemon as one-shot (dry run)  [action]", "\"command\":[\"--once\",\"--dry-run\"]",
                "would: run-task ecs task discordination-cleanup in discordination-prod\n",
                "2. Show the dry run's report  [check]", "The dry run's report appears here when the runbook runs",
                "3. If dry run looks good, run for real  [action]", "\"command\":[\"--once\"]",
                "would: run-task ecs task discordination-cleanup in discordination-prod  (destructive)",
                "Nothing was changed.");
        assertThat(ops.tasksOf(SeedData.CLEANUP_TASK_FAMILY)).hasSize(before);
    }

    @Test
    void run_whenConfirmedWithYes_runsTheDryRunShowsItsReportThenRunsTheCleanupForReal(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Set<String> before = arns(ops.tasksOf(SeedData.CLEANUP_TASK_FAMILY));

        Cli.Result r = ops.run("cleanup-run");

        assertThat(r.exitCode()).as(r.all()).isZero();
        List<Task> started = ops.tasksOf(SeedData.CLEANUP_TASK_FAMILY).stream().filter(t -> !before.contains(t.taskArn())).toList();
        assertThat(started).extracting(AreaARunbookSupport::commandOverride)
                .containsExactly(List.of("--once", "--dry-run"), List.of("--once"));
        assertThat(started).extracting(AreaARunbookSupport::exitCode).containsExactly(0, 0);
        assertThat(started).extracting(AreaARunbookSupport::subnet).allMatch(sandbox.privateSubnets()::contains);
        String out = r.out();
        assertThat(out.indexOf("dry run: would delete")).as("the dry run's report comes before the real run")
                .isPositive().isLessThan(out.indexOf("3. If dry run looks good, run for real"));
        assertThat(out.indexOf("deleted 1284 objects")).isGreaterThan(out.indexOf("4. Show the cleanup's report"));
    }

    @Test
    void run_whenNoTerminalCanConfirmTheRealRun_refusesItAfterTheDryRunAndAResumeWithYesRunsOnlyTheRealOne(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Set<String> before = arns(ops.tasksOf(SeedData.CLEANUP_TASK_FAMILY));

        Cli.Result r = ops.runWithoutTerminal("cleanup-run");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("step 3 'If dry run looks good, run for real': Refused: run-task ecs task discordination-cleanup",
                "already changed before this refusal: run-task ecs task discordination-cleanup").doesNotContain("nothing was changed");
        assertThat(r.out()).contains("dry run: would delete");
        List<Task> refused = ops.tasksOf(SeedData.CLEANUP_TASK_FAMILY).stream().filter(t -> !before.contains(t.taskArn())).toList();
        assertThat(refused).extracting(AreaARunbookSupport::commandOverride).containsExactly(List.of("--once", "--dry-run"));

        // approved later: the finished dry run is skipped, only the real run starts
        Matcher runId = Pattern.compile("--resume (\\S+)").matcher(r.out());
        assertThat(runId.find()).as(r.out()).isTrue();
        Set<String> afterRefusal = arns(ops.tasksOf(SeedData.CLEANUP_TASK_FAMILY));
        Cli.Result resumed = ops.resume("cleanup-run", runId.group(1));

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.out()).contains("[action: skipped, finished in run " + runId.group(1) + "]", "deleted 1284 objects");
        // the skipped dry run's task comes back from the journal, so its report is shown again
        String dryRunReport = resumed.out().substring(resumed.out().indexOf("2. Show the dry run's report  [check]"),
                resumed.out().indexOf("3. If dry run looks good, run for real"));
        assertThat(dryRunReport).contains("dry run: would delete").doesNotContain("is not shown");
        List<Task> resumedTasks = ops.tasksOf(SeedData.CLEANUP_TASK_FAMILY).stream().filter(t -> !afterRefusal.contains(t.taskArn())).toList();
        assertThat(resumedTasks).extracting(AreaARunbookSupport::commandOverride).containsExactly(List.of("--once"));
    }

    // --- restore-deleted-file ---

    @Test
    void plan_whenAFileIsDeleted_listsItsVersionsAndRestoresNothing(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        try (S3Client s3 = s3(ops)) {
            ensureDeleted(s3);
            List<ObjectVersion> before = versions(s3);
            String newest = newestUnderTheMarker(s3).versionId();

            Cli.Result r = ops.plan("restore-deleted-file", FILE);

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.out()).contains(
                    "$ aws s3api list-object-versions --bucket discordination-files --prefix \"attachments/" + SeedData.DELETED_FILE_ID + "/\"",
                    "would: restore-version s3 object s3://discordination-files/" + KEY,
                    "--copy-source '" + SeedData.BUCKET + "/" + KEY + "?versionId=" + newest + "'", "Nothing was changed.");
            assertThat(isDeleted(s3)).isTrue();
            assertThat(versions(s3)).extracting(ObjectVersion::versionId)
                    .containsExactlyElementsOf(before.stream().map(ObjectVersion::versionId).toList());
        }
    }

    @Test
    void run_whenNoVersionIsNamed_restoresTheNewestVersionUnderTheDeleteMarker(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        try (S3Client s3 = s3(ops)) {
            ensureDeleted(s3);
            String expected = content(s3, newestUnderTheMarker(s3).versionId());

            Cli.Result r = ops.run("restore-deleted-file", FILE);

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(r.out()).contains("replaced             a delete marker", "verified             yes", "held after");
            assertThat(isDeleted(s3)).isFalse();
            assertThat(content(s3, null)).isEqualTo(expected).isIn(SeedData.DELETED_FILE_VERSIONS);
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void resume_whenKilledAfterTheRestore_skipsItAndVerifiesTheVersionItRestored(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        try (S3Client s3 = s3(ops)) {
            ensureDeleted(s3);
            Cli.Result first = ops.run("restore-deleted-file", FILE);
            assertThat(first.exitCode()).as(first.all()).isZero();
            String runId = ops.cutJournalAfter(first, "Restore specific version");
            List<String> before = versions(s3).stream().map(ObjectVersion::versionId).toList();

            Cli.Result resumed = ops.resume("restore-deleted-file", runId);

            assertThat(resumed.exitCode()).as(resumed.all()).isZero();
            assertThat(resumed.out()).contains("2. Restore specific version  [action: skipped, finished in run " + runId + "]",
                    "held after");
            assertThat(versions(s3)).as("no second copy").extracting(ObjectVersion::versionId).containsExactlyElementsOf(before);
            assertThat(isDeleted(s3)).isFalse();
        }
    }

    @Test
    void run_whenAnOlderVersionIsNamedForALiveFile_replacesTheCurrentContentOnlyWhenConfirmed(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        try (S3Client s3 = s3(ops)) {
            ensureLive(s3);
            String current = content(s3, null);
            ObjectVersion older = versions(s3).stream().filter(v -> !v.isLatest())
                    .filter(v -> !content(s3, v.versionId()).equals(current)).findFirst().orElseThrow();
            String wanted = content(s3, older.versionId());

            Cli.Result refused = ops.runWithoutTerminal("restore-deleted-file", FILE, "version=" + older.versionId());

            assertThat(refused.exitCode()).as(refused.all()).isEqualTo(3);
            assertThat(refused.err()).contains("Refused: restore-version s3 object s3://discordination-files/" + KEY);
            assertThat(content(s3, null)).isEqualTo(current);

            Cli.Result r = ops.run("restore-deleted-file", FILE, "version=" + older.versionId());

            assertThat(r.exitCode()).as(r.all()).isZero();
            assertThat(content(s3, null)).isEqualTo(wanted).isNotEqualTo(current).isIn(SeedData.DELETED_FILE_VERSIONS);
        }
    }

    @Test
    void plan_whenTheFileIdIsNotAnId_failsBeforeAnythingIsRead(SandboxInfo sandbox) {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);

        Cli.Result r = ops.plan("restore-deleted-file", "file=../secrets");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("parameter 'file': expected a file id of 1 to 20 digits");
    }

    private static double storageMetric(AreaARunbookSupport ops, String metric, String storageType) {
        try (CloudWatchClient cw = ops.aws(CloudWatchClient.builder())) {
            java.time.Instant now = java.time.Instant.now();
            return cw.getMetricStatistics(b -> b.namespace("AWS/S3").metricName(metric)
                            .dimensions(d -> d.name("BucketName").value(SeedData.BUCKET), d -> d.name("StorageType").value(storageType))
                            .startTime(now.minus(java.time.Duration.ofDays(3))).endTime(now).period(86400)
                            .statistics(Statistic.AVERAGE))
                    .datapoints().stream().max(java.util.Comparator.comparing(Datapoint::timestamp)).orElseThrow().average();
        }
    }

    private static List<S3Object> objects(AreaARunbookSupport ops) {
        try (S3Client s3 = s3(ops)) {
            List<S3Object> all = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(SeedData.BUCKET)).contents().forEach(all::add);
            return all;
        }
    }

    private static S3Client s3(AreaARunbookSupport ops) {
        return ops.aws(S3Client.builder().forcePathStyle(true));
    }

    /** The attachment's versions (not its delete markers), newest first as S3 lists them. */
    private static List<ObjectVersion> versions(S3Client s3) {
        List<ObjectVersion> all = new ArrayList<>();
        s3.listObjectVersionsPaginator(b -> b.bucket(SeedData.BUCKET).prefix(KEY)).versions().forEach(all::add);
        return all;
    }

    private static boolean isDeleted(S3Client s3) {
        return s3.listObjectVersions(b -> b.bucket(SeedData.BUCKET).prefix(KEY)).deleteMarkers().stream()
                .anyMatch(m -> Boolean.TRUE.equals(m.isLatest()));
    }

    /** Deletes the attachment (a new delete marker) unless it is deleted already. */
    private static void ensureDeleted(S3Client s3) {
        if (!isDeleted(s3)) s3.deleteObject(b -> b.bucket(SeedData.BUCKET).key(KEY));
    }

    /** Brings the attachment back with a copy of our own, unless it is live already. */
    private static void ensureLive(S3Client s3) {
        if (isDeleted(s3)) {
            String content = content(s3, newestUnderTheMarker(s3).versionId());
            s3.putObject(b -> b.bucket(SeedData.BUCKET).key(KEY), RequestBody.fromString(content, StandardCharsets.UTF_8));
        }
    }

    private static ObjectVersion newestUnderTheMarker(S3Client s3) {
        return versions(s3).get(0);
    }

    /** The content of a version, or of the current object when {@code versionId} is null. */
    private static String content(S3Client s3, String versionId) {
        return s3.getObjectAsBytes(b -> b.bucket(SeedData.BUCKET).key(KEY).versionId(versionId)).asString(StandardCharsets.UTF_8);
    }

    private static Set<String> arns(List<Task> tasks) {
        return tasks.stream().map(Task::taskArn).collect(Collectors.toSet());
    }
}
