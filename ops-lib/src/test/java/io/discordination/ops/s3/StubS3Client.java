package io.discordination.ops.s3;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectResult;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An S3 client with one versioned key: two real versions ({@link #OLD}, {@link #NEWER}) and, when
 * {@code deleted}, a delete marker on top. CopyObject makes {@link #COPIED}, the new current version,
 * with the source's ETag (as a real copy of a single-part object has), so the handle's check after
 * the copy passes on ETags alone. Every
 * request that would change something is kept.
 */
final class StubS3Client implements S3Client {
    static final String OLD = "v1-old";
    static final String NEWER = "v2-newer";
    static final String MARKER = "v3-delete-marker";
    static final String COPIED = "v4-copied";
    static final String OLD_ETAG = "\"0d5b3f1c6a0e4f2b9c8d7e6f5a4b3c2d\"";
    static final String NEWER_ETAG = "\"9a0364b9e99bb480dd25e1f0284c8555\"";

    final List<CopyObjectRequest> copies = new CopyOnWriteArrayList<>();
    private final String key;
    private final boolean deleted;

    StubS3Client(String key, boolean deleted) {
        this.key = key;
        this.deleted = deleted;
    }

    @Override
    public ListObjectVersionsResponse listObjectVersions(ListObjectVersionsRequest request) {
        ListObjectVersionsResponse.Builder page = ListObjectVersionsResponse.builder().name(request.bucket()).isTruncated(false);
        if (request.prefix() != null && !key.startsWith(request.prefix())) return page.build();
        page.versions(
                ObjectVersion.builder().key(key).versionId(NEWER).isLatest(!deleted).size(2048L).eTag(NEWER_ETAG)
                        .lastModified(Instant.parse("2026-11-20T00:00:00Z")).build(),
                ObjectVersion.builder().key(key).versionId(OLD).isLatest(false).size(1024L).eTag(OLD_ETAG)
                        .lastModified(Instant.parse("2026-11-10T00:00:00Z")).build());
        if (deleted) {
            page.deleteMarkers(DeleteMarkerEntry.builder().key(key).versionId(MARKER).isLatest(true)
                    .lastModified(Instant.parse("2026-11-30T00:00:00Z")).build());
        }
        return page.build();
    }

    @Override
    public CopyObjectResponse copyObject(CopyObjectRequest request) {
        copies.add(request);
        return CopyObjectResponse.builder().versionId(COPIED)
                .copyObjectResult(CopyObjectResult.builder().eTag(etagOf(request.sourceVersionId())).build()).build();
    }

    @Override
    public HeadObjectResponse headObject(HeadObjectRequest request) {
        if (copies.isEmpty()) return HeadObjectResponse.builder().versionId(NEWER).eTag(NEWER_ETAG).build();
        return HeadObjectResponse.builder().versionId(COPIED).eTag(etagOf(copies.get(copies.size() - 1).sourceVersionId())).build();
    }

    private static String etagOf(String versionId) {
        return OLD.equals(versionId) ? OLD_ETAG : NEWER_ETAG;
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
