package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deleted attachment: a user deleted the message with {@code bug-report.txt} by mistake, and
 * the bucket (versioned) now has a delete marker as the newest version of its key, the content
 * still under it. Nothing else changes; the support ticket names the file id.
 *
 * <pre>{@code new RestoreDeletedFile().breakIt(sandbox);   // GET attachments/1183233402298359808/bug-report.txt: 404}</pre>
 */
public final class RestoreDeletedFile implements Scenario {
    static final String FILE_ID = "1183233402298359808";
    static final String KEY = "attachments/" + FILE_ID + "/bug-report.txt";

    @Override
    public String name() {
        return "restore-deleted-file";
    }

    @Override
    public String symptoms() {
        return "Support ticket: attachment " + FILE_ID + " (bug-report.txt) answers 404 since its message was deleted by mistake.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) {
        sandbox.aws().s3().deleteObject(r -> r.bucket(SeedData.BUCKET).key(KEY));
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("the attachment is served again with the content it had before the deletion", sandbox -> {
            S3Client s3 = sandbox.aws().s3();
            List<ObjectVersion> versions = versions(s3);
            // the content to expect: the newest version written before the delete marker that hid it
            ObjectVersion original = versions.stream().min(Comparator.comparing(ObjectVersion::lastModified)).orElse(null);
            if (original == null) return Observation.fail("no version of " + KEY + " at all");
            byte[] expected = s3.getObjectAsBytes(r -> r.bucket(SeedData.BUCKET).key(KEY).versionId(original.versionId())).asByteArray();
            try {
                ResponseBytes<GetObjectResponse> served = s3.getObjectAsBytes(r -> r.bucket(SeedData.BUCKET).key(KEY));
                boolean same = Arrays.equals(served.asByteArray(), expected);
                return Observation.of(same, same ? "GET " + KEY + ": 200, " + expected.length + " bytes as before"
                        : "GET " + KEY + ": 200 but not the original content");
            } catch (NoSuchKeyException e) {
                return Observation.fail("GET " + KEY + ": 404 NoSuchKey (a delete marker is the newest version)");
            } catch (S3Exception e) {
                return Observation.fail("GET " + KEY + ": " + e.statusCode());
            }
        }));
    }

    private static List<ObjectVersion> versions(S3Client s3) {
        ListObjectVersionsResponse page = s3.listObjectVersions(r -> r.bucket(SeedData.BUCKET).prefix(KEY));
        return page.versions().stream().filter(v -> v.key().equals(KEY)).toList();
    }

    @Override
    public Map<String, String> runbookParams(SandboxAccess sandbox) {
        return Map.of("file", FILE_ID);
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO);
    }

    /**
     * The key back to its seeded state in place (a reseed of moto takes ten seconds or more):
     * every version and delete marker newer than the seeded version is removed.
     */
    @Override
    public void heal(SandboxAccess sandbox) {
        S3Client s3 = sandbox.aws().s3();
        ListObjectVersionsResponse page = s3.listObjectVersions(r -> r.bucket(SeedData.BUCKET).prefix(KEY));
        List<String[]> entries = new ArrayList<>();
        page.versions().stream().filter(v -> v.key().equals(KEY)).forEach(v -> entries.add(new String[]{v.versionId(), v.lastModified().toString()}));
        page.deleteMarkers().stream().filter(m -> m.key().equals(KEY)).forEach(m -> entries.add(new String[]{m.versionId(), m.lastModified().toString()}));
        String seeded = page.versions().stream().filter(v -> v.key().equals(KEY))
                .min(Comparator.comparing(ObjectVersion::lastModified)).map(ObjectVersion::versionId).orElse(null);
        for (String[] entry : entries) {
            if (entry[0].equals(seeded)) continue;
            s3.deleteObject(r -> r.bucket(SeedData.BUCKET).key(KEY).versionId(entry[0]));
        }
    }
}
