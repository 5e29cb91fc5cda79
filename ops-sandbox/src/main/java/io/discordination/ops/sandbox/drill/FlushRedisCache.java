package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stale API cache: after a release changed the responses, part of {@code api:cache:*} still
 * holds what the previous release cached, written without a TTL by a cache path that forgot it,
 * so those entries never expire and clients keep getting old data. Real keys in the sandbox's
 * Redis; the remedy is the runbook's safe flush of the API response cache, which must leave
 * sessions, presence and settings alone.
 *
 * <pre>{@code new FlushRedisCache().breakIt(sandbox);   // 1,500 api:cache entries of release 2026.11.14, no TTL}</pre>
 */
public final class FlushRedisCache implements Scenario {
    /** The release whose responses are still cached. */
    static final String STALE_RELEASE = "2026.11.14-9b1d0e2";
    static final int STALE_KEYS = 1500;

    @Override
    public String name() {
        return "flush-redis-cache";
    }

    @Override
    public String symptoms() {
        return "Clients see out-of-date API responses after the release: api:cache:* entries of the previous release never expire.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) {
        RedisCommands<String, String> redis = sandbox.redis();
        int stale = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches("api:cache:*").limit(1000));
            for (String key : page.getKeys()) {
                if (stale >= STALE_KEYS) break;
                // SET without EX: the entry loses its TTL, as the faulty cache path writes it
                redis.set(key, "{\"release\":\"" + STALE_RELEASE + "\",\"etag\":\"W/\\\"" + Integer.toHexString(key.hashCode())
                        + "\\\"\",\"body\":\"" + "o".repeat(120) + "\"}");
                stale++;
            }
            cursor = page;
        } while (!cursor.isFinished() && stale < STALE_KEYS);
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("no API cache entry is stale (of an earlier release), and no other key was lost", sandbox -> {
            RedisCommands<String, String> redis = sandbox.redis();
            long staleEntries = 0;
            long entries = 0;
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches("api:cache:*").limit(1000));
                entries += page.getKeys().size();
                // one MGET per page: the stale entries carry the earlier release in their value
                if (!page.getKeys().isEmpty()) {
                    staleEntries += redis.mget(page.getKeys().toArray(String[]::new)).stream()
                            .filter(v -> v.hasValue() && v.getValue().contains(STALE_RELEASE)).count();
                }
                cursor = page;
            } while (!cursor.isFinished());
            long sessions = count(redis, "session:*");
            long presence = count(redis, "presence:*");
            long settings = count(redis, "user:*:settings");
            boolean kept = sessions == SeedData.SESSION_KEYS && presence == SeedData.PRESENCE_KEYS && settings == SeedData.USER_KEYS;
            return Observation.of(staleEntries == 0 && kept, staleEntries + " stale of " + entries + " api:cache entries; "
                    + sessions + " sessions, " + presence + " presence, " + settings + " settings keys");
        }));
    }

    static long count(RedisCommands<String, String> redis, String pattern) {
        long n = 0;
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
            n += page.getKeys().size();
            cursor = page;
        } while (!cursor.isFinished());
        return n;
    }

    @Override
    public Map<String, String> runbookParams(SandboxAccess sandbox) {
        return Map.of("scope", "api-cache");
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.REDIS);
    }
}
