// Gateway WebSocket Connections Dropping: users disconnected, presence not updating.
// Plan it first (reads run, the restart is only shown):  ops plan gateway-connections-dropping
runbook("gateway-connections-dropping", "Gateway WebSocket Connections Dropping")
    .section("Service Recovery")
    .symptoms("Users disconnected, presence not updating.")
    .param(duration("stableTimeout").optional()
        .description("How long to wait for the restarted service to be stable (default: 5 minutes plus 10 seconds a task, at most an hour)"))
    .check("Check Gateway task health",
        "aws ecs describe-tasks --cluster ${ecs.cluster} \\\n"
            + "  --tasks $(aws ecs list-tasks --cluster ${ecs.cluster} --service-name ${ecs.services.gateway} --query 'taskArns' --output text)",
        () -> ecs("gateway").tasks())
    .check("Check Redis pub/sub clients",
        "redis-cli -u $REDIS_URL info clients",
        () -> redis().info("clients"))
    // totals from INFO and CLIENT LIST: with one channel per online user, listing channels would load the backbone
    .check("Check Redis pub/sub subscribers",
        "redis-cli -u $REDIS_URL info stats | grep ^pubsub && redis-cli -u $REDIS_URL client list type pubsub",
        () -> redis().pubsub())
    // the gateway is an Elixir release: BEAM memory pressure shows as the service's memory utilization
    .check("Check memory (Elixir BEAM memory pressure) over the last hour",
        "aws cloudwatch get-metric-data --metric-data-queries '[{\"Id\":\"mem\",\"MetricStat\":{\"Metric\":{\"Namespace\":\"AWS/ECS\","
            + "\"MetricName\":\"MemoryUtilization\",\"Dimensions\":[{\"Name\":\"ServiceName\",\"Value\":\"${ecs.services.gateway}\"}]},"
            + "\"Period\":300,\"Stat\":\"Average\"}}]' --start-time $(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%S) "
            + "--end-time $(date -u +%Y-%m-%dT%H:%M:%S)",
        () -> metrics().memoryUtilization("gateway", hours(1)))
    .action("Restart gateway with rolling deploy", EcsService.FORCE_REDEPLOY,
        () -> ecs("gateway").forceRedeploy().awaitStable(param("stableTimeout")))
    .verify("The gateway service is stable again", () -> ecs("gateway").status().isStable())
    .timeout(minutes(5)).every(seconds(10));
