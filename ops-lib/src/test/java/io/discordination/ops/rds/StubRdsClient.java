package io.discordination.ops.rds;

import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotRequest;
import software.amazon.awssdk.services.rds.model.CreateDbSnapshotResponse;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSnapshot;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.Endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An RDS client with one available PostgreSQL instance and the snapshots created through it, kept
 * in memory; every request that would change something is kept. Other operations fail.
 */
final class StubRdsClient implements RdsClient {
    final List<CreateDbSnapshotRequest> creates = new CopyOnWriteArrayList<>();
    private final String instance;
    private final Map<String, DBSnapshot> snapshots = new ConcurrentHashMap<>();

    StubRdsClient(String instance) {
        this.instance = instance;
    }

    @Override
    public DescribeDbInstancesResponse describeDBInstances(DescribeDbInstancesRequest request) {
        if (!instance.equals(request.dbInstanceIdentifier())) return DescribeDbInstancesResponse.builder().build();
        return DescribeDbInstancesResponse.builder().dbInstances(DBInstance.builder().dbInstanceIdentifier(instance)
                .dbInstanceStatus("available").engine("postgres").engineVersion("16.4").dbInstanceClass("db.r6g.large")
                .endpoint(Endpoint.builder().address(instance + ".abc.us-east-1.rds.amazonaws.com").port(5432).build())
                .allocatedStorage(100).multiAZ(true).build()).build();
    }

    @Override
    public DescribeDbSnapshotsResponse describeDBSnapshots(DescribeDbSnapshotsRequest request) {
        DBSnapshot known = request.dbSnapshotIdentifier() == null ? null : snapshots.get(request.dbSnapshotIdentifier());
        return known == null ? DescribeDbSnapshotsResponse.builder().build()
                : DescribeDbSnapshotsResponse.builder().dbSnapshots(known).build();
    }

    @Override
    public CreateDbSnapshotResponse createDBSnapshot(CreateDbSnapshotRequest request) {
        creates.add(request);
        DBSnapshot made = DBSnapshot.builder().dbSnapshotIdentifier(request.dbSnapshotIdentifier())
                .dbInstanceIdentifier(request.dbInstanceIdentifier()).status("creating").snapshotType("manual")
                .snapshotCreateTime(Instant.parse("2026-12-01T12:00:00Z")).allocatedStorage(100).engine("postgres")
                .percentProgress(0).build();
        snapshots.put(made.dbSnapshotIdentifier(), made);
        return CreateDbSnapshotResponse.builder().dbSnapshot(made).build();
    }

    /** Plays another operator who made a snapshot of that name already. */
    void existingSnapshot(String snapshotId) {
        snapshots.put(snapshotId, DBSnapshot.builder().dbSnapshotIdentifier(snapshotId).dbInstanceIdentifier(instance)
                .status("available").snapshotType("manual").build());
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {
    }
}
