// A wrong edit of flush-redis-cache for the drill tests: its api-cache scope deletes the rate-limit
// counters, so the stale API responses stay.
runbook('flush-redis-cache') {
    title 'Flush Redis Cache'
    section 'Cache Operations'
    param 'scope', choices: ['api-cache', 'rate-limits', 'everything'], defaultValue: 'api-cache'
    action('Flush only the API response cache (scope api-cache, safe)') {
        redis().deleteMatching('rl:*')
    }
    verify('The flushed keys are gone') {
        redis().countMatching('api:cache:*').matched() == 0
    }
    timeout seconds(6)
    every seconds(2)
}
