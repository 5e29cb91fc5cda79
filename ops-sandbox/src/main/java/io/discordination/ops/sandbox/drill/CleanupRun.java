package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.aws.EcsSimulator;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * What the manual cleanup run is for: the cleanup daemon has not run for weeks and uploads that
 * never got a message (a client uploaded, then the message failed or was abandoned) pile up under
 * {@code attachments/}: {@link #ORPHANS} objects marked {@code upload-state: pending} by the api,
 * uploaded 40 to 60 days ago. The sandbox's cleanup task (the ECS simulator) finds them by that
 * mark and age, reports them in a dry run and deletes them in a real run; the attachments that
 * messages reference must stay.
 *
 * <pre>{@code new CleanupRun().breakIt(sandbox);   // 24 orphaned uploads, 0.9 MiB}</pre>
 */
public final class CleanupRun implements Scenario {
    static final int ORPHANS = 24;
    /** The attachments the seed puts in the bucket (current objects under attachments/), all referenced. */
    static final int REFERENCED = 10;

    @Override
    public String name() {
        return "cleanup-run";
    }

    @Override
    public String symptoms() {
        return "The files bucket keeps growing: uploads that never became part of a message pile up (the cleanup daemon has not run).";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) {
        S3Client s3 = sandbox.aws().s3();
        Random random = new Random(20261203L);
        Instant now = Instant.now();
        for (int i = 0; i < ORPHANS; i++) {
            String key = "attachments/" + (1181000000000000000L + 7919L * i) + "/" + (i % 3 == 0 ? "image.png" : i % 3 == 1 ? "clip.mp4" : "upload.bin");
            long uploadedAt = now.minus(Duration.ofDays(40 + random.nextInt(20))).getEpochSecond();
            byte[] body = new byte[20_000 + random.nextInt(40_000)];
            random.nextBytes(body);
            s3.putObject(r -> r.bucket(SeedData.BUCKET).key(key).contentType("application/octet-stream")
                    .metadata(Map.of("upload-state", "pending", "uploaded-at", Long.toString(uploadedAt))), RequestBody.fromBytes(body));
        }
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("no upload without a message older than 30 days is left, and every referenced attachment is", sandbox -> {
            S3Client s3 = sandbox.aws().s3();
            long cutoff = Instant.now().minus(EcsSimulator.ORPHAN_AFTER).getEpochSecond();
            int orphans = 0;
            int referenced = 0;
            for (S3Object object : current(s3)) {
                Map<String, String> metadata = s3.headObject(r -> r.bucket(SeedData.BUCKET).key(object.key())).metadata();
                if (!"pending".equals(metadata.get("upload-state"))) {
                    referenced++;
                } else if (Long.parseLong(metadata.getOrDefault("uploaded-at", "0")) < cutoff) {
                    orphans++;
                }
            }
            return Observation.of(orphans == 0 && referenced == REFERENCED,
                    orphans + " orphaned uploads, " + referenced + " of " + REFERENCED + " referenced attachments");
        }));
    }

    private static List<S3Object> current(S3Client s3) {
        List<S3Object> out = new ArrayList<>();
        for (var page : s3.listObjectsV2Paginator(r -> r.bucket(SeedData.BUCKET).prefix("attachments/"))) out.addAll(page.contents());
        return out;
    }

    /** The orphans are removed with every version, the cleanup tasks and their logs with a reseed of moto. */
    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO);
    }

    @Override
    public Duration recoveryWait() {
        return Duration.ofSeconds(20);
    }
}
