// A wrong edit of api-not-responding for the drill tests: its verify step holds whatever the service does.
// Plan it first (reads run, the restart is only shown):  ops plan api-not-responding
runbook("api-not-responding", "API Service Not Responding")
    .section("Service Recovery")
    .symptoms("502/503 from ALB, health check failures.")
    .param(duration("since").defaultValue("10m").description("How far back to read the logs"))
    .param(duration("stableTimeout").optional()
        .description("How long to wait for the restarted service to be stable (default: 5 minutes plus 10 seconds a task, at most an hour)"))
    .check("Check ECS task status",
        "aws ecs describe-services --cluster ${ecs.cluster} --services ${ecs.services.api}",
        () -> ecs("api").status())
    .check("Check recent logs",
        "aws logs tail ${logs.api} --since ${since}",
        () -> logs("api").tail(param("since")).last(30))
    .check("Check database connectivity",
        "aws rds describe-db-instances --db-instance-identifier ${rds.instance}",
        () -> rds().status())
    .action("Force new deployment (rolling restart)", EcsService.FORCE_REDEPLOY,
        () -> ecs("api").forceRedeploy().awaitStable(param("stableTimeout")))
    .verify("The API service answers", () -> true)
    .timeout(seconds(5)).every(seconds(1));
