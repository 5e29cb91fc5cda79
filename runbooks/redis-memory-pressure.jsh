// Redis Memory Pressure: eviction warnings or slow responses; see what uses Redis memory before scaling up.
// Plan it first (it only reads):  ops plan redis-memory-pressure
runbook("redis-memory-pressure", "Redis Memory Pressure")
    .section("Cache Operations")
    .symptoms("Eviction warnings, slow responses.")
    .check("Check memory", "redis-cli -u $REDIS_URL info memory", () -> redis().memory())
    .check("Check key distribution", "redis-cli -u $REDIS_URL --bigkeys", () -> redis().bigKeys())
    .advice("Scale up ElastiCache node type in Terraform",
        "If used memory stays near maxmemory or keys keep being evicted, raise the ElastiCache node type in the Terraform "
        + "vars and apply it. If one kind of key dominates the distribution above, flushing it may buy time: "
        + "ops plan flush-redis-cache --param scope=api-cache.");
