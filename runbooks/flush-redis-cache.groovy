// Flush Redis Cache: delete the API response cache or the rate-limit counters, or empty the database.
// Plan it first (counts the keys, flushes nothing):  ops plan flush-redis-cache --param scope=api-cache
// Its twin is runbooks/jshell/flush-redis-cache.jsh; both must plan the same.
//
// scope=everything drops sessions (every user signs in again) and rate limits as well as caches, so
// besides the confirmation every destructive effect gets (--yes, or y at a terminal) it needs
// --param confirm=everything; without it the run refuses (exit 3) before anything is deleted.

/** Keys and keys with a TTL per node, from INFO keyspace (without avg_ttl, which changes every second). */
String keyCounts() {
    def table = Table.with('NODE', 'KEYS', 'WITH TTL')
    for (node in redis().info('keyspace').nodes()) {
        long keys = 0
        long expires = 0
        for (database in node.fields().values()) {
            for (field in database.split(',')) {
                def (name, value) = field.split('=', 2) as List
                if (name == 'keys') keys += value as long
                if (name == 'expires') expires += value as long
            }
        }
        table.row(node.node(), keys, expires)
    }
    table.toString()
}

/** The runbook's extra confirmation for scope=everything: refuse, changing nothing, unless confirm=everything. */
void requireConfirmedEverything() {
    if (!context().isDryRun() && param('confirm') != 'everything') {
        throw OpsException.builder('Refused to flush everything: it drops sessions (every user signs in again), '
                + 'rate limits and caches, and cannot be undone')
                .service('redis').environment(environment().name())
                .hint('to go ahead, run again with --param confirm=everything; nothing was deleted').refused()
    }
}

runbook('flush-redis-cache') {
    title 'Flush Redis Cache'
    section 'Cache Operations'
    param 'scope', choices: ['api-cache', 'rate-limits', 'everything'], defaultValue: 'api-cache',
            description: 'api-cache: API responses (safe); rate-limits: every counter; everything: the whole database'
    param 'confirm', choices: ['everything'], required: false,
            description: 'Required with scope=everything: type everything again'
    check('Count the keys', 'redis-cli -u $REDIS_URL info keyspace') { keyCounts() }
    action('Flush only the API response cache (scope api-cache, safe)',
            Redis.DELETE_MATCHING) {
        param('scope') == 'api-cache' ? redis().deleteMatching('api:cache:*') : 'not in scope ' + param('scope')
    }
    action('Flush rate limit counters (scope rate-limits, resets all limits)',
            Redis.DELETE_MATCHING) {
        param('scope') == 'rate-limits' ? redis().deleteMatching('rl:*') : 'not in scope ' + param('scope')
    }
    action('Flush everything (scope everything and confirm everything; CAUTION: drops sessions, rate limits, etc.)',
            Redis.FLUSH_DB) {
        if (param('scope') != 'everything') return 'not in scope ' + param('scope')
        requireConfirmedEverything()
        redis().flushDb()
    }
    // what the scope held is gone; live traffic may have written a few keys since (up to 1 % of what was flushed)
    verify('The flushed keys are gone') {
        String scope = param('scope')
        if (scope == 'everything') {
            def flushed = result('Flush everything (scope everything and confirm everything; CAUTION: drops sessions, rate limits, etc.)')
            long before = flushed instanceof FlushedDatabase ? flushed.keys() : 0
            long left = 0
            for (node in redis().info('keyspace').nodes()) {
                for (database in node.fields().values()) {
                    for (field in database.split(',')) {
                        def (name, value) = field.split('=', 2) as List
                        if (name == 'keys') left += value as long
                    }
                }
            }
            return left <= before.intdiv(100)
        }
        def flushed = result(scope == 'api-cache' ? 'Flush only the API response cache (scope api-cache, safe)'
                : 'Flush rate limit counters (scope rate-limits, resets all limits)')
        long before = flushed instanceof DeletedKeys ? flushed.deleted() : 0
        redis().countMatching(scope == 'api-cache' ? 'api:cache:*' : 'rl:*').matched() <= before.intdiv(100)
    }
    timeout seconds(30)
    every seconds(2)
}
