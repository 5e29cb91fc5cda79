// Create Database Backup: a manual RDS snapshot named manual-<UTC time>, then waits until it is available.
// Plan it first (no snapshot is taken):  ops plan create-db-backup
runbook("create-db-backup", "Create Database Backup")
    .section("Database Operations")
    .check("Check the DB instance",
        "aws rds describe-db-instances --db-instance-identifier ${rds.instance}",
        () -> rds().status())
    .action("Manual RDS snapshot", RdsInstance.CREATE_SNAPSHOT,
        () -> rds().snapshot())
    .verify("The snapshot is available", () -> {
            RdsSnapshotCreation created = result("Manual RDS snapshot");
            if (created == null) return false; // no snapshot taken yet
            return rds().snapshots().snapshots().stream()
                .anyMatch(s -> s.snapshotId().equals(created.snapshotId()) && s.isAvailable());
        })
    .command("aws rds wait db-snapshot-available --db-instance-identifier ${rds.instance} --snapshot-type manual")
    .timeout(minutes(60)).every(seconds(20));
