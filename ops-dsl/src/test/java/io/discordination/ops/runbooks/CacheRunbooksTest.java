package io.discordination.ops.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Cache Operations runbooks, flush-redis-cache and redis-memory-pressure, planned and run
 * against the sandbox's Redis through the {@code ops} command line, their effects counted with
 * {@code redis-cli}. The tests run in order because each flush takes away keys the next ones count:
 * reads and refusals first, then api-cache, rate-limits, and last everything.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheRunbooksTest {
    /** Keys that belong to no flush scope but everything. */
    private static final List<String> OTHER_PATTERNS = List.of("session:*", "presence:*", "user:*");

    /** One OPS_HOME for the class, so each script compiles once. */
    @TempDir
    static Path home;

    private static Map<String, Long> counts(AreaBRunbookSupport ops, List<String> patterns) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String p : patterns) counts.put(p, ops.keys(p));
        return counts;
    }

    /** A count as the runbooks print it: 5,000. */
    private static String thousands(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    @Test
    @Order(1)
    void redisMemoryPressure_run_whenRedisIsUp_showsMemoryKeyDistributionAndTheScaleUpAdvice(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        long before = ops.dbsize();

        Cli.Result plan = ops.plan("redis-memory-pressure");
        Cli.Result run = ops.run("redis-memory-pressure");

        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("Symptoms: Eviction warnings, slow responses.", "Nothing was changed.");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains(
                "1. Check memory  [check]", "$ redis-cli -u $REDIS_URL info memory", "MAXMEMORY", "noeviction",
                "2. Check key distribution  [check]", "$ redis-cli -u $REDIS_URL --bigkeys",
                "Sampled " + thousands(before) + " keys", "api:cache:GET:", "session:",
                "3. Scale up ElastiCache node type in Terraform  [advice]", "Manual step: do this yourself",
                "finished ok");
        assertThat(ops.dbsize()).isEqualTo(before);
    }

    @Test
    @Order(2)
    void flushRedisCache_plan_whenApiCache_countsTheKeysItWouldDeleteAndDeletesNothing(SandboxInfo sandbox) throws IOException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        long apiCache = ops.keys("api:cache:*");
        long all = ops.dbsize();

        Cli.Result plan = ops.plan("flush-redis-cache", "scope=api-cache");
        JsonNode json = Json.mapper().readTree(ops.planJson("flush-redis-cache", "scope=api-cache").out());

        assertThat(apiCache).isEqualTo(SeedData.API_CACHE_KEYS);
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains(
                "1. Count the keys  [check]", String.valueOf(all),
                "2. Flush only the API response cache (scope api-cache, safe)  [action]",
                // what ops does, and why the seed's pipeline is not the same
                "$ # no shell one-liner: ops runs SCAN MATCH 'api:cache:*' and UNLINKs each batch of keys it returns",
                "redis-cli --scan --pattern 'api:cache:*' | xargs redis-cli DEL is not the same",
                "would: delete-matching redis 127.0.0.1:" + sandbox.redisPort() + " db 0  (destructive)",
                "with: pattern=api:cache:*, keys=" + apiCache,
                "3. Flush rate limit counters (scope rate-limits, resets all limits)  [action]", "would change nothing",
                "Nothing was changed.");
        assertThat(json.at("/steps/1/result/matched").asLong()).isEqualTo(apiCache);
        assertThat(json.at("/steps/1/result/planned").asBoolean()).isTrue();
        assertThat(ops.keys("api:cache:*")).isEqualTo(apiCache);
        assertThat(ops.dbsize()).isEqualTo(all);
    }

    @Test
    @Order(3)
    void flushRedisCache_run_whenNoTerminalAndNoYes_exitsThreeAndDeletesNothing(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        long apiCache = ops.keys("api:cache:*");

        Cli.Result r = ops.runWithoutTerminal("flush-redis-cache", "scope=api-cache");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("there is no terminal to confirm it: re-run with --yes");
        assertThat(apiCache).isPositive();
        assertThat(ops.keys("api:cache:*")).isEqualTo(apiCache);
    }

    @Test
    @Order(4)
    void flushRedisCache_run_whenEverythingIsNotConfirmedAsAParameter_refusesEvenWithYesAndDeletesNothing(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        long all = ops.dbsize();

        Cli.Result r = ops.run("flush-redis-cache", "scope=everything");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("Refused to flush everything: it drops sessions", "--param confirm=everything");
        assertThat(all).isPositive();
        assertThat(ops.dbsize()).isEqualTo(all);
    }

    @Test
    @Order(5)
    void flushRedisCache_run_whenApiCache_deletesTheApiCacheAndKeepsEveryOtherKey(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        long apiCache = ops.keys("api:cache:*");
        Map<String, Long> others = counts(ops, List.of("rl:*", "session:*", "presence:*", "user:*"));

        Cli.Result r = ops.run("flush-redis-cache", "scope=api-cache");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Deleted " + thousands(apiCache) + " keys matching api:cache:*", "not in scope api-cache");
        assertThat(apiCache).isPositive();
        assertThat(ops.keys("api:cache:*")).isZero();
        assertThat(others.values()).allMatch(n -> n > 0);
        assertThat(counts(ops, List.copyOf(others.keySet()))).isEqualTo(others);
    }

    @Test
    @Order(6)
    void flushRedisCache_run_whenRateLimits_deletesEveryCounterAndKeepsSessions(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        long rateLimits = ops.keys("rl:*");
        Map<String, Long> others = counts(ops, OTHER_PATTERNS);

        Cli.Result r = ops.run("flush-redis-cache", "scope=rate-limits");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Deleted " + thousands(rateLimits) + " keys matching rl:*");
        assertThat(rateLimits).isEqualTo(SeedData.RATE_LIMIT_KEYS);
        assertThat(ops.keys("rl:*")).isZero();
        assertThat(others.values()).allMatch(n -> n > 0);
        assertThat(counts(ops, OTHER_PATTERNS)).isEqualTo(others);
    }

    @Test
    @Order(7)
    void flushRedisCache_run_whenEverythingIsConfirmed_emptiesTheDatabase(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        long all = ops.dbsize();

        Cli.Result r = ops.run("flush-redis-cache", "scope=everything", "confirm=everything");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Flushed database 0", "(" + thousands(all) + " keys)");
        assertThat(all).isPositive();
        assertThat(ops.dbsize()).isZero();
    }
}
