package io.discordination.ops.rds;

import io.discordination.ops.text.Table;

import java.time.Instant;

/**
 * One DB instance as {@code aws rds describe-db-instances} shows it.
 *
 * <pre>{@code rds().status().status();   // "available"}</pre>
 */
public record RdsInstanceStatus(String instance, String status, String engine, String engineVersion,
                                String instanceClass, String endpoint, Integer port, Boolean multiAz,
                                Integer allocatedStorageGb, Instant createdAt, String availabilityZone) {

    public boolean isAvailable() {
        return "available".equals(status);
    }

    @Override
    public String toString() {
        return Table.fields("instance", instance, "status", status, "engine", engine + " " + engineVersion,
                "class", instanceClass, "endpoint", endpoint == null ? null : endpoint + ":" + port,
                "multi-AZ", multiAz, "storage", allocatedStorageGb == null ? null : allocatedStorageGb + " GiB",
                "zone", availabilityZone, "created", createdAt);
    }
}
