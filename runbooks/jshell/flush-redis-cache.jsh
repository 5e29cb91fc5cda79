// Flush Redis Cache: delete the API response cache or the rate-limit counters, or empty the database.
// Plan it first (counts the keys, flushes nothing):  ops plan runbooks/jshell/flush-redis-cache.jsh --param scope=api-cache
// The JShell twin of runbooks/flush-redis-cache.groovy (what `ops run flush-redis-cache` runs); both must plan the same.
//
// scope=everything drops sessions (every user signs in again) and rate limits as well as caches, so
// besides the confirmation every destructive effect gets (--yes, or y at a terminal) it needs
// --param confirm=everything; without it the run refuses (exit 3) before anything is deleted.

/** Keys and keys with a TTL per node, from INFO keyspace (without avg_ttl, which changes every second). */
String keyCounts() {
    Table table = Table.with("NODE", "KEYS", "WITH TTL");
    for (RedisInfo.NodeFields node : redis().info("keyspace").nodes()) {
        long keys = 0;
        long expires = 0;
        for (String database : node.fields().values()) {
            for (String field : database.split(",")) {
                String[] nameAndValue = field.split("=", 2);
                if (nameAndValue[0].equals("keys")) keys += Long.parseLong(nameAndValue[1]);
                if (nameAndValue[0].equals("expires")) expires += Long.parseLong(nameAndValue[1]);
            }
        }
        table.row(node.node(), keys, expires);
    }
    return table.toString();
}

/** The runbook's extra confirmation for scope=everything: refuse, changing nothing, unless confirm=everything. */
void requireConfirmedEverything() {
    if (!context().isDryRun() && !"everything".equals(param("confirm"))) {
        throw OpsException.builder("Refused to flush everything: it drops sessions (every user signs in again), "
                + "rate limits and caches, and cannot be undone")
                .service("redis").environment(environment().name())
                .hint("to go ahead, run again with --param confirm=everything; nothing was deleted").refused();
    }
}

runbook("flush-redis-cache", "Flush Redis Cache")
    .section("Cache Operations")
    .param(choice("scope", "api-cache", "rate-limits", "everything").defaultValue("api-cache")
        .description("api-cache: API responses (safe); rate-limits: every counter; everything: the whole database"))
    .param(choice("confirm", "everything").optional()
        .description("Required with scope=everything: type everything again"))
    .check("Count the keys", "redis-cli -u $REDIS_URL info keyspace", () -> keyCounts())
    .action("Flush only the API response cache (scope api-cache, safe)",
        Redis.DELETE_MATCHING,
        () -> "api-cache".equals(param("scope")) ? redis().deleteMatching("api:cache:*") : "not in scope " + param("scope"))
    .action("Flush rate limit counters (scope rate-limits, resets all limits)",
        Redis.DELETE_MATCHING,
        () -> "rate-limits".equals(param("scope")) ? redis().deleteMatching("rl:*") : "not in scope " + param("scope"))
    .action("Flush everything (scope everything and confirm everything; CAUTION: drops sessions, rate limits, etc.)",
        Redis.FLUSH_DB,
        () -> {
            if (!"everything".equals(param("scope"))) return "not in scope " + param("scope");
            requireConfirmedEverything();
            return redis().flushDb();
        })
    // what the scope held is gone; live traffic may have written a few keys since (up to 1 % of what was flushed)
    .verify("The flushed keys are gone", () -> {
            String scope = param("scope");
            if ("everything".equals(scope)) {
                Object flushed = result("Flush everything (scope everything and confirm everything; CAUTION: drops sessions, rate limits, etc.)");
                long before = flushed instanceof FlushedDatabase f ? f.keys() : 0;
                long left = 0;
                for (var node : redis().info("keyspace").nodes()) {
                    for (String database : node.fields().values()) {
                        for (String field : database.split(",")) {
                            String[] pair = field.split("=", 2);
                            if (pair[0].equals("keys")) left += Long.parseLong(pair[1]);
                        }
                    }
                }
                return left <= before / 100;
            }
            Object flushed = result("api-cache".equals(scope) ? "Flush only the API response cache (scope api-cache, safe)"
                : "Flush rate limit counters (scope rate-limits, resets all limits)");
            long before = flushed instanceof DeletedKeys d ? d.deleted() : 0;
            return redis().countMatching("api-cache".equals(scope) ? "api:cache:*" : "rl:*").matched() <= before / 100;
        })
    .timeout(seconds(30)).every(seconds(2));
