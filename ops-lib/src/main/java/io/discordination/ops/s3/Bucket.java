package io.discordination.ops.s3;

import io.discordination.ops.HandleContext;
import io.discordination.ops.topology.S3Topology;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.text.Progress;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The environment's file bucket ({@code s3.bucket}, versioned): usage, object versions, and
 * restoring an old version (a deleted file) as the current one.
 *
 * <pre>{@code
 * bucket().usage();                 // S3's daily storage metrics: two calls
 * bucket().exactUsage();            // every version listed, the tree split as it is listed, in parallel
 * bucket().versions("attachments/" + fileId);
 * bucket().restoreDeleted("attachments/" + fileId + "/photo.png");
 * }</pre>
 */
public final class Bucket {
    /** The longest version id S3 writes (its documented limit is 1,024 bytes). */
    public static final int VERSION_ID_MAX = 1024;

    /** {@link #restore} and {@link #restoreDeleted}: the chosen version copied over the key, becoming its newest. */
    public static final CommandTemplate RESTORE_VERSION = CommandTemplate.of("aws s3api copy-object --bucket <bucket>"
            + " --copy-source <bucket>/<url_encoded_key>?versionId=<version_id> --key <key>");
    /** The inverse of restoring a deleted key: a delete marker over it again. */
    private static final CommandTemplate DELETE_OBJECT = CommandTemplate.of("aws s3api delete-object --bucket <bucket> --key <key>");
    private static final java.util.regex.Pattern VERSION_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._+/=-]+");

    /** The largest object a single CopyObject can copy. */
    static final long MAX_COPY_BYTES = 5L * 1024 * 1024 * 1024;

    private static final java.util.Set<String> STORAGE_METRICS = java.util.Set.of("BucketSizeBytes", "NumberOfObjects");
    private static final int METRIC_DAYS = 3;
    static final int EXACT_PARALLELISM = 8;
    /** The most parts an exact count splits a bucket into. */
    static final int EXACT_MAX_PARTS = 256;
    /** A level naming this many sub-prefixes (a full page) is not split further: the rest of it is listed whole. */
    static final int EXACT_WIDE_LEVEL = 1000;

    private final S3Client client;
    private final CloudWatchClient metrics;
    private final HandleContext context;
    private final String bucket;
    private final AwsErrors aws;

    /**
     * The environment's bucket ({@code s3.bucket}); its storage metrics come from {@code metrics}.
     * An emulator's {@code client} needs path-style addressing (it has no per-bucket host names).
     */
    public Bucket(S3Topology s3, S3Client client, CloudWatchClient metrics, HandleContext context) {
        this(client, metrics, context, s3.bucket().required());
    }

    /** Any bucket of the account, by name. */
    public Bucket(S3Client client, CloudWatchClient metrics, HandleContext context, String bucket) {
        if (bucket == null || bucket.isBlank()) throw OpsException.builder("A bucket name is needed").invalidInput();
        this.client = client;
        this.metrics = metrics;
        this.context = context;
        this.bucket = bucket;
        this.aws = AwsErrors.of(context.environment(), "s3");
    }

    public String name() {
        return bucket;
    }

    S3Client s3() {
        return client;
    }

    /**
     * Objects and bytes in the whole bucket from S3's daily storage metrics in CloudWatch
     * ({@code AWS/S3} {@code BucketSizeBytes} per storage type, {@code NumberOfObjects}): one
     * ListMetrics and one GetMetricData call, whatever the number of objects. The figures are as
     * of the last daily datapoint and count every version (see {@link BucketUsage});
     * {@link #exactUsage()} lists instead.
     */
    public BucketUsage usage() {
        long started = System.nanoTime();
        CloudWatchClient cw = metrics;
        AwsErrors metricsAws = AwsErrors.of(context.environment(), "cloudwatch");
        String where = "AWS/S3 storage metrics of bucket " + bucket;
        long[] calls = {0};
        List<Metric> metrics = new ArrayList<>();
        metricsAws.call("cloudwatch:ListMetrics", where, () -> {
            for (var page : cw.listMetricsPaginator(b -> b.namespace("AWS/S3")
                    .dimensions(d -> d.name("BucketName").value(bucket)))) {
                calls[0]++;
                // one series per name and dimensions (an emulator may list a series once per datapoint)
                page.metrics().stream().filter(m -> STORAGE_METRICS.contains(m.metricName()))
                        .filter(m -> metrics.stream().noneMatch(seen -> sameSeries(seen, m))).forEach(metrics::add);
            }
            return null;
        });
        Instant end = Instant.now();
        // daily datapoints are stamped at midnight UTC; a few days back covers S3's publishing delay
        Instant start = end.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(METRIC_DAYS));
        List<MetricDataQuery> queries = new ArrayList<>();
        for (int i = 0; i < metrics.size(); i++) {
            Metric m = metrics.get(i);
            queries.add(MetricDataQuery.builder().id("m" + i)
                    .metricStat(st -> st.metric(m).period((int) Duration.ofDays(1).toSeconds()).stat("Average")).build());
        }
        Map<String, Long> bytesByType = new TreeMap<>();
        long objects = 0;
        Instant asOf = null;
        if (!queries.isEmpty()) {
            Map<String, MetricDataResult> results = new HashMap<>();
            metricsAws.call("cloudwatch:GetMetricData", where, () -> {
                for (List<MetricDataQuery> batch : batches(queries, 500)) {
                    for (var page : cw.getMetricDataPaginator(b -> b.metricDataQueries(batch).startTime(start).endTime(end)
                            .scanBy(ScanBy.TIMESTAMP_DESCENDING))) {
                        calls[0]++;
                        page.metricDataResults().forEach(r -> results.put(r.id(), r));
                    }
                }
                return null;
            });
            for (int i = 0; i < metrics.size(); i++) {
                MetricDataResult r = results.get("m" + i);
                if (r == null || r.values().isEmpty()) continue;
                Metric m = metrics.get(i);
                long value = Math.round(r.values().get(0));
                Instant at = r.timestamps().get(0);
                String storageType = m.dimensions().stream().filter(d -> d.name().equals("StorageType"))
                        .map(Dimension::value).findFirst().orElse("?");
                if (m.metricName().equals("BucketSizeBytes")) {
                    bytesByType.merge(storageType, value, Long::sum);
                } else if (storageType.equals("AllStorageTypes")) {
                    objects = value;
                }
                if (asOf == null || at.isAfter(asOf)) asOf = at;
            }
        }
        long bytes = bytesByType.values().stream().mapToLong(Long::longValue).sum();
        return new BucketUsage(bucket, "", BucketUsage.METRICS, asOf, objects, bytes, bytesByType,
                null, null, null, null, null, calls[0], Duration.ofNanos(System.nanoTime() - started));
    }

    private static boolean sameSeries(Metric a, Metric b) {
        return a.metricName().equals(b.metricName())
                && new java.util.HashSet<>(a.dimensions()).equals(new java.util.HashSet<>(b.dimensions()));
    }

    /** Usage under {@code prefix}: S3 has no metrics per prefix, so it is {@link #exactUsage(String)}. */
    public BucketUsage usage(String prefix) {
        return exactUsage(prefix);
    }

    /** {@link #exactUsage(String)} of the whole bucket. */
    public BucketUsage exactUsage() {
        return exactUsage("");
    }

    /**
     * Counts every version under {@code prefix} now, with the current/noncurrent split and delete
     * markers, so it is opt-in: S3 has no count per prefix, only listings of at most 1,000 entries a
     * call. The tree is split as it is listed, and its parts are listed in parallel,
     * {@value #EXACT_PARALLELISM} at a time, with a progress bar over the parts found so far:
     * <ul>
     *   <li>a part that holds at most 1,000 versions is counted from its first page (one call);</li>
     *   <li>a bigger part that is a prefix is listed one level deep (a {@code /} delimiter listing): the
     *   versions at that level are counted from it, and its sub-prefixes become parts of their own,
     *   each split the same way, so a big prefix is split by its next level however deep it sits;</li>
     *   <li>the fan-out is bounded: at most {@value #EXACT_MAX_PARTS} parts in all; when a level has
     *   more sub-prefixes than parts are left, they are grouped into contiguous key ranges, each
     *   listed whole (without a delimiter) from its first sub-prefix to past its last;</li>
     *   <li>a level whose first page names {@value #EXACT_WIDE_LEVEL} sub-prefixes or more (one per
     *   file, as {@code attachments/<channel_id>/<file_id>/}) is not split further: the sub-prefixes
     *   of that page become parts, and the rest of the level is listed whole from where the page
     *   ended, in one sequential part (splitting it would take a delimiter listing as long as the
     *   listing itself).</li>
     * </ul>
     * Cost: one ListObjectVersions call per 1,000 versions of each part (500M objects: about
     * 500,000 calls; a bucket of at most 1,000 versions: one call), plus two calls per part that is
     * split (its first page, then its level; at most {@value #EXACT_MAX_PARTS} parts),
     * plus the delimiter listings of split levels (one call per 1,000 entries of a level that is not
     * wide), plus at most one call per key range that reads past its end. Wall time: that of the
     * largest part (a wide level is one part). Memory: the sub-prefixes of the levels being split
     * (at most {@value #EXACT_WIDE_LEVEL} names a level), not the versions.
     */
    public BucketUsage exactUsage(String prefix) {
        return exactUsage(prefix == null ? "" : prefix, 1000, EXACT_MAX_PARTS, EXACT_WIDE_LEVEL);
    }

    /** {@link #exactUsage(String)} with its page size and bounds (tests use small ones). */
    BucketUsage exactUsage(String p, int pageSize, int maxParts, int wideLevel) {
        long started = System.nanoTime();
        String where = "bucket " + bucket;
        ExactListing listing = new ExactListing(where, pageSize, maxParts, wideLevel);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(EXACT_PARALLELISM, r -> {
            Thread t = new Thread(r, "s3-exact-usage");
            t.setDaemon(true);
            return t;
        });
        try (Progress progress = context.progress("Listing versions in s3://" + bucket + "/" + p, 1).unit("parts")) {
            listing.run(pool, progress, p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while listing s3://" + bucket, e);
        } finally {
            pool.shutdownNow();
        }
        Tally total = listing.total;
        return new BucketUsage(bucket, p, BucketUsage.EXACT, Instant.now(),
                total.currentObjects + total.noncurrentVersions + total.deleteMarkers, total.currentBytes + total.noncurrentBytes,
                Map.of(), total.currentObjects, total.currentBytes, total.noncurrentVersions, total.noncurrentBytes, total.deleteMarkers,
                listing.calls.get(), Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * One exact count in progress: parts (prefixes to split, key ranges or rests to list whole)
     * run on a pool and add parts as they find them; the count is done when no part is left.
     */
    private final class ExactListing {
        final String where;
        final int pageSize;
        final int wideLevel;
        final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicInteger partsLeft;
        final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicLong parts = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        final Tally total = new Tally();
        volatile RuntimeException failure;
        java.util.concurrent.ExecutorService pool;
        Progress progress;

        ExactListing(String where, int pageSize, int maxParts, int wideLevel) {
            this.where = where;
            this.pageSize = pageSize;
            this.partsLeft = new java.util.concurrent.atomic.AtomicInteger(maxParts - 1);
            this.wideLevel = wideLevel;
        }

        void run(java.util.concurrent.ExecutorService pool, Progress progress, String prefix) throws InterruptedException {
            this.pool = pool;
            this.progress = progress;
            submit(() -> split(prefix));
            finished.await();
            if (failure != null) throw failure;
        }

        void submit(Runnable part) {
            pending.incrementAndGet();
            progress.total(parts.incrementAndGet());
            pool.execute(() -> {
                try {
                    if (failure == null) part.run();
                } catch (RuntimeException e) {
                    if (failure == null) failure = e;
                } finally {
                    progress.advance(1);
                    if (pending.decrementAndGet() == 0 || failure != null) finished.countDown();
                }
            });
        }

        void add(Tally t) {
            synchronized (total) {
                total.merge(t);
            }
        }

        /**
         * {@code prefix} counted from one page when it holds no more (a small part costs one call);
         * else one level of it: its versions counted, its sub-prefixes made parts.
         */
        void split(String prefix) {
            ListObjectVersionsResponse whole = aws.call("s3:ListBucketVersions", where + " prefix " + prefix, () -> s3().listObjectVersions(b -> b
                    .bucket(bucket).prefix(prefix.isEmpty() ? null : prefix).maxKeys(pageSize)));
            calls.incrementAndGet();
            if (!Boolean.TRUE.equals(whole.isTruncated())) {
                Tally all = new Tally();
                all.add(whole, null, null, null);
                add(all);
                return;
            }
            Tally level = new Tally();
            List<String> subs = new ArrayList<>();
            String keyMarker = null;
            String versionMarker = null;
            while (true) {
                String km = keyMarker, vm = versionMarker;
                ListObjectVersionsResponse page = aws.call("s3:ListBucketVersions", where + " prefix " + prefix, () -> s3().listObjectVersions(b -> b
                        .bucket(bucket).prefix(prefix.isEmpty() ? null : prefix).delimiter("/").maxKeys(pageSize)
                        .keyMarker(km).versionIdMarker(vm)));
                calls.incrementAndGet();
                level.add(page, null, null, null);
                page.commonPrefixes().forEach(cp -> subs.add(cp.prefix()));
                if (!Boolean.TRUE.equals(page.isTruncated())) break;
                keyMarker = page.nextKeyMarker();
                versionMarker = page.nextVersionIdMarker();
                if (subs.size() >= wideLevel) {
                    // one name per file: splitting would cost as much as listing; the rest is listed whole
                    String last = subs.get(subs.size() - 1);
                    if (last.equals(keyMarker)) {
                        // the listing stopped at a sub-prefix: the rest starts with its keys (and its own key, if any)
                        subs.remove(subs.size() - 1);
                        submit(() -> listWhole(prefix, last.substring(0, last.length() - 1), null, last, null, false));
                    } else {
                        String from = keyMarker, fromVersion = versionMarker;
                        submit(() -> listWhole(prefix, from, fromVersion, null, null, false));
                    }
                    break;
                }
            }
            add(level);
            if (subs.isEmpty()) return;
            int wanted = subs.size();
            int granted = take(wanted);
            if (granted >= wanted) {
                for (String sub : subs) submit(() -> split(sub));
                return;
            }
            // more sub-prefixes than parts left: contiguous groups of them, each one key range
            int groups = Math.max(1, granted);
            for (int g = 0; g < groups; g++) {
                int from = (int) ((long) wanted * g / groups);
                int to = (int) ((long) wanted * (g + 1) / groups);
                String first = subs.get(from);
                String last = subs.get(to - 1);
                // keys under first..last: from first (marker: first without its '/', so first's keys follow) to past last
                String marker = first.substring(0, first.length() - 1);
                String end = last.substring(0, last.length() - 1) + (char) ('/' + 1);
                submit(() -> listWhole(prefix, marker, null, first, end, true));
            }
        }

        /** Parts granted of {@code wanted} from what is left. */
        int take(int wanted) {
            while (true) {
                int left = partsLeft.get();
                int granted = Math.min(left, wanted);
                if (granted <= 0) return 0;
                if (partsLeft.compareAndSet(left, left - granted)) return granted;
            }
        }

        /**
         * Every version under {@code prefix} after {@code keyMarker}, without a delimiter; with
         * {@code from}/{@code end}, only keys in [from, end), the rest of the page ignored; with
         * {@code subPrefixesOnly}, only keys below a sub-prefix (those at the level itself are
         * counted by its delimiter listing).
         */
        void listWhole(String prefix, String keyMarker, String versionMarker, String from, String end, boolean subPrefixesOnly) {
            Tally t = new Tally();
            String km = keyMarker, vm = versionMarker;
            while (true) {
                String k = km, v = vm;
                ListObjectVersionsResponse page = aws.call("s3:ListBucketVersions", where + " prefix " + prefix, () -> s3().listObjectVersions(b -> b
                        .bucket(bucket).prefix(prefix.isEmpty() ? null : prefix).maxKeys(pageSize).keyMarker(k).versionIdMarker(v)));
                calls.incrementAndGet();
                t.add(page, from, end, subPrefixesOnly ? prefix : null);
                if (!Boolean.TRUE.equals(page.isTruncated())) break;
                km = page.nextKeyMarker();
                vm = page.nextVersionIdMarker();
                if (end != null && km != null && km.compareTo(end) >= 0) break;
            }
            add(t);
        }
    }

    /** Counts of one part of an exact listing. */
    private static final class Tally {
        long currentObjects;
        long currentBytes;
        long noncurrentVersions;
        long noncurrentBytes;
        long deleteMarkers;

        /**
         * The page's versions and delete markers whose keys are in [from, end) (null: unbounded) and,
         * with {@code below}, hold a '/' after it.
         */
        void add(ListObjectVersionsResponse page, String from, String end, String below) {
            for (var v : page.versions()) {
                if (!inRange(v.key(), from, end, below)) continue;
                long size = v.size() == null ? 0 : v.size();
                if (Boolean.TRUE.equals(v.isLatest())) {
                    currentObjects++;
                    currentBytes += size;
                } else {
                    noncurrentVersions++;
                    noncurrentBytes += size;
                }
            }
            for (var d : page.deleteMarkers()) {
                if (inRange(d.key(), from, end, below)) deleteMarkers++;
            }
        }

        private static boolean inRange(String key, String from, String end, String below) {
            return (from == null || key.compareTo(from) >= 0) && (end == null || key.compareTo(end) < 0)
                    && (below == null || key.indexOf('/', below.length()) >= 0);
        }

        void merge(Tally o) {
            currentObjects += o.currentObjects;
            currentBytes += o.currentBytes;
            noncurrentVersions += o.noncurrentVersions;
            noncurrentBytes += o.noncurrentBytes;
            deleteMarkers += o.deleteMarkers;
        }
    }

    private static <T> List<List<T>> batches(List<T> all, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) out.add(all.subList(i, Math.min(all.size(), i + size)));
        return out;
    }

    /**
     * Every version and delete marker under {@code prefix}, by key, newest first
     * ({@code list-object-versions}): one call per 1,000 versions, all held in memory, so meant for a
     * file's or a user's prefix, not the whole bucket ({@link #exactUsage(String)} counts without holding).
     */
    public ObjectVersions versions(String prefix) {
        String p = prefix == null ? "" : prefix;
        List<ObjectVersion> out = new ArrayList<>();
        Iterable<ListObjectVersionsResponse> pages = aws.call("s3:ListBucketVersions", "bucket " + bucket,
                () -> s3().listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(p.isEmpty() ? null : p)));
        var it = pages.iterator();
        while (aws.call("s3:ListBucketVersions", "bucket " + bucket, it::hasNext)) {
            ListObjectVersionsResponse page = aws.call("s3:ListBucketVersions", "bucket " + bucket, it::next);
            page.versions().forEach(v -> out.add(new ObjectVersion(v.key(), v.versionId(), Boolean.TRUE.equals(v.isLatest()),
                    false, v.lastModified(), v.size(), v.eTag())));
            page.deleteMarkers().forEach(d -> out.add(new ObjectVersion(d.key(), d.versionId(), Boolean.TRUE.equals(d.isLatest()),
                    true, d.lastModified(), null, null)));
        }
        out.sort(Comparator.comparing(ObjectVersion::key)
                .thenComparing(ObjectVersion::latest, Comparator.reverseOrder())
                .thenComparing(ObjectVersion::lastModified, Comparator.nullsLast(Comparator.reverseOrder())));
        return new ObjectVersions(bucket, p, List.copyOf(out));
    }

    /**
     * The version that restoring {@code key} would bring back: the newest real version under the
     * delete marker if the file was deleted, else the version before the current one.
     */
    public Optional<ObjectVersion> previousVersion(String key) {
        requireKey(key);
        return versions(key).previousVersion(key);
    }

    /**
     * Restores a deleted file: copies the newest version under its delete marker back as the
     * current version, then verifies it. Refused (invalid input) if {@code key} is not deleted.
     */
    public ObjectRestore restoreDeleted(String key) {
        requireKey(key);
        ObjectVersions all = versions(key);
        List<ObjectVersion> history = all.forKey(key);
        if (history.isEmpty()) {
            throw notFound("No object or version " + key + " in bucket " + bucket);
        }
        if (!history.get(0).deleteMarker()) {
            throw OpsException.builder(key + " is not deleted (its current version is " + history.get(0).versionId() + ")")
                    .service("s3").environment(context.environment().name())
                    .hint("to bring back an older version, use restore(key, versionId); versions(key) lists them").invalidInput();
        }
        ObjectVersion previous = all.previousVersion(key).orElseThrow(() ->
                notFound("Every version of " + key + " in bucket " + bucket + " is a delete marker: nothing to restore"));
        return restore(key, previous.versionId(), history);
    }

    /**
     * Copies version {@code versionId} of {@code key} back as its current version
     * ({@code aws s3api copy-object}), then checks the new current content matches that version.
     * Destructive when it replaces a live current version (what users are served changes, so it
     * is confirmed); not destructive when the file is deleted, as it only undoes the deletion.
     * Either way nothing is lost: the replaced version stays in the history, and the inverse puts
     * it back. A version that is the current one already changes nothing.
     */
    public ObjectRestore restore(String key, String versionId) {
        requireKey(key);
        if (versionId == null || versionId.isBlank()) {
            throw OpsException.builder("A version id is needed to restore " + key)
                    .hint("versions(\"" + key + "\") lists them; restoreDeleted(key) picks the one under a delete marker").invalidInput();
        }
        requireVersionId(versionId);
        return restore(key, versionId, versions(key).forKey(key));
    }

    /**
     * An S3 version id as S3 writes them: at most {@value #VERSION_ID_MAX} URL-safe characters
     * ({@code null} for an object written before versioning). The runbooks' {@code version}
     * parameter is checked with this same rule before anything runs.
     */
    public static String requireVersionId(String versionId) {
        if (versionId == null || versionId.isEmpty() || versionId.length() > VERSION_ID_MAX || !VERSION_ID.matcher(versionId).matches()) {
            throw OpsException.builder("Invalid S3 version id: it must be 1 to " + VERSION_ID_MAX
                            + " letters, digits and . _ - + / =").service("s3")
                    .hint("copy one from the VERSION column of the version list").invalidInput();
        }
        return versionId;
    }

    private ObjectRestore restore(String key, String versionId, List<ObjectVersion> history) {
        ObjectVersion source = history.stream().filter(v -> v.versionId().equals(versionId)).findFirst()
                .orElseThrow(() -> notFound("No version " + versionId + " of " + key + " in bucket " + bucket));
        if (source.deleteMarker()) {
            throw OpsException.builder("Version " + versionId + " of " + key + " is a delete marker, not content")
                    .service("s3").hint("pick a real version from versions(\"" + key + "\")").invalidInput();
        }
        if (source.size() != null && source.size() > MAX_COPY_BYTES) {
            throw OpsException.builder("Version " + versionId + " of " + key + " is larger than 5 GiB; CopyObject cannot copy it")
                    .service("s3").hint("copy it with aws s3 cp (multipart) instead").invalidInput();
        }
        ObjectVersion current = history.isEmpty() ? null : history.get(0);
        if (current != null && current.versionId().equals(versionId)) {
            return new ObjectRestore(bucket, key, versionId, versionId, null, false, "already current", true, false, null);
        }
        boolean wasDeleted = current == null || current.deleteMarker();
        String replaced = current == null ? null : current.versionId();
        String inverse = wasDeleted
                ? DELETE_OBJECT.with("bucket", bucket).with("key", key).render()
                : restoreCommand(key, replaced).render();
        Effect effect = Effect.on("aws", "s3 object s3://" + bucket + "/" + key).verb("restore-version")
                .param("bucket", bucket).param("key", key).param("versionId", versionId)
                .param("replaces", wasDeleted ? "delete marker" : replaced)
                .destructive(!wasDeleted)
                .inverse(inverse)
                .command(restoreCommand(key, versionId))
                .build();
        return context.gate().apply(effect, () -> {
            CopyObjectResponse copied = aws.call("s3:PutObject", "s3://" + bucket + "/" + key, () -> s3().copyObject(b -> b
                    .sourceBucket(bucket).sourceKey(key).sourceVersionId(versionId)
                    .destinationBucket(bucket).destinationKey(key)));
            String newVersion = copied.versionId();
            String verifiedBy = verify(key, source, newVersion);
            if (verifiedBy == null) {
                throw OpsException.builder("Copied version " + versionId + " of " + key + " as " + newVersion
                                + " but the new current content does not match it")
                        .service("s3").environment(context.environment().name())
                        .hint("compare them: versions(\"" + key + "\"); undo with: " + inverse).build();
            }
            return new ObjectRestore(bucket, key, versionId, newVersion, replaced, wasDeleted, verifiedBy, true, false, effect);
        }, () -> new ObjectRestore(bucket, key, versionId, null, replaced, wasDeleted, null, false, true, effect),
                done -> undoOfRestore(done));
    }

    /**
     * The inverse of a restore that finished: a deleted file gets its delete marker back (the
     * restored content stays as a version); a replaced version is copied back over the key.
     */
    private Effect undoOfRestore(ObjectRestore done) {
        if (done.newVersionId() == null) return null;
        if (!done.wasDeleted()) {
            if (done.replacedVersionId() == null) return null;
            return Effect.on("aws", "s3 object s3://" + bucket + "/" + done.key()).verb("restore-version")
                    .param("bucket", bucket).param("key", done.key()).param("versionId", done.replacedVersionId())
                    .param("replaces", done.newVersionId()).destructive()
                    .command(restoreCommand(done.key(), done.replacedVersionId())).build();
        }
        return Effect.on("aws", "s3 object s3://" + bucket + "/" + done.key()).verb("put-delete-marker")
                .param("bucket", bucket).param("key", done.key()).param("currentVersionId", done.newVersionId())
                .destructive().inverse(restoreCommand(done.key(), done.newVersionId()).render())
                .command(DELETE_OBJECT.with("bucket", bucket).with("key", done.key())).build();
    }

    /**
     * Puts a delete marker over {@code key} ({@code aws s3api delete-object} without a version id),
     * so the file is deleted again while every version, its content included, stays in the history:
     * the inverse of {@link #restoreDeleted}. Refused when the key's current version is no longer
     * {@code expectedCurrentVersionId} (someone wrote it since), so nobody's newer upload is hidden.
     * Destructive.
     *
     * <pre>{@code bucket().putDeleteMarker("attachments/123/photo.png", restore.newVersionId());}</pre>
     */
    public String putDeleteMarker(String key, String expectedCurrentVersionId) {
        requireKey(key);
        List<ObjectVersion> history = versions(key).forKey(key);
        ObjectVersion current = history.isEmpty() ? null : history.get(0);
        if (current == null || current.deleteMarker()) return null;
        if (expectedCurrentVersionId != null && !expectedCurrentVersionId.equals(current.versionId())) {
            throw OpsException.builder("The current version of " + key + " is " + current.versionId() + ", not "
                            + expectedCurrentVersionId + ": it was written again since").service("s3")
                    .environment(context.environment().name())
                    .hint("compare them: versions(\"" + key + "\"); nothing was changed").refused();
        }
        Effect effect = Effect.on("aws", "s3 object s3://" + bucket + "/" + key).verb("put-delete-marker")
                .param("bucket", bucket).param("key", key).param("currentVersionId", current.versionId())
                .destructive().inverse(restoreCommand(key, current.versionId()).render())
                .command(DELETE_OBJECT.with("bucket", bucket).with("key", key)).build();
        return context.gate().apply(effect, () -> aws.call("s3:DeleteObject", "s3://" + bucket + "/" + key,
                () -> s3().deleteObject(b -> b.bucket(bucket).key(key))).versionId(), () -> null);
    }

    /** How the new current version was shown to match {@code source}: "etag", "sha-256", or null if it does not. */
    private String verify(String key, ObjectVersion source, String newVersion) {
        var head = aws.call("s3:GetObject", "s3://" + bucket + "/" + key,
                () -> s3().headObject(b -> b.bucket(bucket).key(key)));
        if (newVersion != null && head.versionId() != null && !newVersion.equals(head.versionId())) {
            // someone wrote the key again in between: compare what we wrote
            newVersion = newVersion;
        }
        String sourceTag = source.eTag();
        String newTag = head.eTag();
        boolean comparable = sourceTag != null && newTag != null && !sourceTag.contains("-") && !newTag.contains("-");
        if (comparable && sourceTag.equals(newTag)) return "etag";
        String a = sha256(key, source.versionId());
        String b = sha256(key, newVersion != null ? newVersion : head.versionId());
        return a.equals(b) ? "sha-256" : null;
    }

    private String sha256(String key, String versionId) {
        return aws.call("s3:GetObject", "s3://" + bucket + "/" + key + " version " + versionId, () -> {
            try (ResponseInputStream<GetObjectResponse> in = s3().getObject(b -> b.bucket(bucket).key(key).versionId(versionId))) {
                return digest(in);
            } catch (IOException e) {
                throw OpsException.builder("Could not read s3://" + bucket + "/" + key + " version " + versionId + ": " + e.getMessage())
                        .cause(e).build();
            }
        });
    }

    private static String digest(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private CommandTemplate.Values restoreCommand(String key, String versionId) {
        return RESTORE_VERSION.with("bucket", bucket).with("url_encoded_key", encodeKey(key)).with("version_id", versionId)
                .with("key", key);
    }

    /** A key as the CLI's --copy-source wants it: URL-encoded, slashes kept. */
    static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
    }

    private static void requireKey(String key) {
        if (key == null || key.isBlank()) {
            throw OpsException.builder("An object key is needed").hint("for example attachments/<file_id>/<name>").invalidInput();
        }
    }

    private OpsException notFound(String what) {
        return OpsException.builder(what).service("s3").environment(context.environment().name())
                .resource("s3://" + bucket).hint("versions(prefix) lists what there is").notFound();
    }

    @Override
    public String toString() {
        return "s3 bucket " + bucket;
    }
}
