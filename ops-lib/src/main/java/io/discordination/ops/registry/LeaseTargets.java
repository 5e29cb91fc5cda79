package io.discordination.ops.registry;

import io.discordination.ops.gate.Effect;

/**
 * The lease target of an effect, {@code <system>:<target>}: for AWS the service takes the system's
 * place ({@code ecs:discordination-prod/api}, {@code rds:discordination-prod},
 * {@code secret:discordination/jwt-secret}, {@code waf:blocked-ips}), for Redis the server
 * ({@code redis:127.0.0.1:6379}), for the rest the effect's own system and target. Effects of
 * {@code ops} itself (breaking a lease, a policy's refusal) take none.
 *
 * <pre>{@code String target = LeaseTargets.of(effect); // null: no lease}</pre>
 */
public final class LeaseTargets {
    /** AWS targets as effects word them, and the lease system each maps to. */
    private static final String[][] AWS = {
            {"ecs service ", "ecs"}, {"ecs task ", "ecs-task"}, {"rds instance ", "rds"}, {"rds snapshot ", "rds-snapshot"},
            {"secret ", "secret"}, {"waf ip set ", "waf"}, {"s3 object s3://", "s3"}};

    private LeaseTargets() {
    }

    /** The lease target of {@code effect}, or null when it takes no lease. */
    public static String of(Effect effect) {
        String system = effect.system();
        String target = effect.target();
        if ("ops".equals(system)) return null;
        if ("aws".equals(system)) {
            for (String[] prefix : AWS) {
                if (target.startsWith(prefix[0])) return prefix[1] + ":" + target.substring(prefix[0].length());
            }
        }
        if ("redis".equals(system)) {
            // "redis HOST:PORT db N" or "redis cluster HOST:PORT": the server, whatever the database
            String rest = target.startsWith("redis cluster ") ? target.substring("redis cluster ".length())
                    : target.startsWith("redis ") ? target.substring("redis ".length()) : target;
            int blank = rest.indexOf(' ');
            return "redis:" + (blank < 0 ? rest : rest.substring(0, blank));
        }
        return system + ":" + target;
    }
}
