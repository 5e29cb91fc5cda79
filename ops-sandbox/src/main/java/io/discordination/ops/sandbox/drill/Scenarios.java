package io.discordination.ops.sandbox.drill;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every scenario the sandbox can break, one per runbook. A new scenario is one line, {@code new ItsClass(),}, in {@code REGISTERED}.
 *
 * <pre>{@code Scenario s = Scenarios.byName("api-not-responding").orElseThrow();}</pre>
 */
public final class Scenarios {
    private Scenarios() {
    }

    // an array initializer: every entry ends with a comma, so adding one is one line
    private static final Scenario[] REGISTERED = {
            // scenarios of: api-not-responding, gateway-connections-dropping, run-migrations, create-db-backup,
            // restore-db-backup, livekit-health, kick-from-voice, s3-usage
            new ApiNotResponding(),
            new GatewayConnectionsDropping(),
            new RunMigrations(),
            new CreateDbBackup(),
            new RestoreDbBackup(),
            new LiveKitHealth(),
            new KickFromVoice(),
            new S3Usage(),
            // scenarios of: connection-pool-exhaustion, flush-redis-cache, redis-memory-pressure, compromised-account,
            // rate-limit-bypass, restore-deleted-file, rotate-secrets, cleanup-run
            new ConnectionPoolExhaustion(),
            new FlushRedisCache(),
            new RedisMemoryPressure(),
            new CompromisedAccount(),
            new RateLimitBypass(),
            new RestoreDeletedFile(),
            new RotateSecrets(),
            new CleanupRun(),
    };
    private static final List<Scenario> ALL = List.of(REGISTERED);

    /** Every scenario, in the order {@code ops drill --list} shows them (the seed runbook's). */
    public static List<Scenario> all() {
        return ALL;
    }

    public static Optional<Scenario> byName(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The names, comma separated, for "unknown scenario" errors. */
    public static String names() {
        return ALL.stream().map(Scenario::name).collect(Collectors.joining(", "));
    }
}
