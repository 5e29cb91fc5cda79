// Restore from Backup: lists the snapshots, restores the chosen one (default: the newest) to a NEW instance.
// Plan it first (nothing is restored):  ops plan restore-db-backup [--param snapshot=ID]
runbook("restore-db-backup", "Restore from Backup")
    .section("Database Operations")
    .param(snapshotId("snapshot").optional().description("The snapshot to restore; default: the newest available one"))
    .param(dbInstanceId("target").defaultValue("discordination-restore").description("The new instance's identifier; must not exist yet"))
    .param(instanceClass("instance-class").defaultValue("db.r6g.large").description("The new instance's class"))
    .check("List available snapshots",
        "aws rds describe-db-snapshots \\\n"
            + "  --db-instance-identifier ${rds.instance} \\\n"
            + "  --query 'DBSnapshots[*].[DBSnapshotIdentifier,SnapshotCreateTime]' \\\n"
            + "  --output table",
        () -> rds().snapshots())
    .action("Restore to new instance", RdsRestore.RESTORE,
        () -> {
            String snapshot = param("snapshot");
            if (snapshot == null) {
                RdsSnapshots listed = result("List available snapshots");
                RdsSnapshot newest = listed.latest();
                if (newest == null) {
                    throw OpsException.builder("No available snapshot of " + listed.instance() + " to restore")
                        .service("rds").resource(listed.instance())
                        .hint("take one first: ops run create-db-backup, or name one with --param snapshot=ID").build();
                }
                snapshot = newest.snapshotId();
            }
            // RdsRestore.start() refuses an existing target and checks the snapshot before anything changes
            return rds().restore(snapshot).as(param("target")).instanceClass(param("instance-class")).start();
        })
    .verify("The restored instance is available", () -> {
            RdsRestoration restoring = result("Restore to new instance");
            if (restoring == null) return false; // nothing restored yet
            return restoring.instance().status().isAvailable();
        })
    .command("aws rds wait db-instance-available --db-instance-identifier ${target}")
    .timeout(minutes(90)).every(seconds(30));
