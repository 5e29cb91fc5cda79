// Run Migrations: runs the migrate task in the private subnets and follows its log until it stops; fails if it fails.
// Plan it first (no task is started):  ops plan run-migrations
runbook("run-migrations", "Run Migrations")
    .section("Database Operations")
    .param(duration("timeout").defaultValue("30m").description("How long to follow the task before giving up (it keeps running)"))
    .check("Check database connectivity",
        "aws rds describe-db-instances --db-instance-identifier ${rds.instance}",
        () -> rds().status())
    // one step, so that a resumed run starts the task again rather than following one that already failed
    .action("Run the migrate task and follow its logs until it stops", EcsCluster.RUN_TASK, () -> {
        EcsTaskRun run = ecs().runTask("migrate");
        if (run.planned()) return run;
        Duration timeout = param("timeout");
        // lines go to stderr as they arrive (stdout stays the runbook's report), secrets masked
        Redactor redactor = context().redactor();
        FollowResult followed = run.follow().timeout(timeout)
            .forEach(e -> System.err.println("   | " + redactor.redact(e.toString())));
        if (!"condition".equals(followed.stoppedBecause())) {
            throw OpsException.builder("The migrate task " + run.taskId() + " is still running after " + Durations.format(timeout)
                    + " (following stopped: " + followed.stoppedBecause() + ")")
                .service("ecs").resource(run.logGroup())
                .hint("it keeps running: follow it with aws logs tail " + run.logGroup() + " --follow; stop it with aws ecs stop-task --cluster "
                    + run.cluster() + " --task " + run.taskId()).build();
        }
        EcsTask stopped = run.status();
        Integer exitCode = stopped.exitCode();
        if (exitCode == null || exitCode != 0) {
            throw OpsException.builder("The migrate task " + stopped.taskId() + " failed with exit code " + exitCode
                    + (stopped.stoppedReason() == null ? "" : " (" + stopped.stoppedReason() + ")"))
                .service("ecs").resource(run.logGroup() + " " + run.logStream())
                .hint("read its log above; fix the cause, then run the migrations again").build();
        }
        return stopped;
    });
