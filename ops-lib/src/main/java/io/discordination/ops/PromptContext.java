package io.discordination.ops;

import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the confirmation prompt says about a destructive effect besides its verb: what it touches
 * and how much ({@code touches:} keys, sessions, addresses, tasks, connections, an instance's class
 * and size), and whether the target was used lately where the platform can tell ({@code last used:}
 * a DB instance's CloudWatch DatabaseConnections over the last hour, a secret's LastAccessedDate).
 * Asked only when a person is about to answer; each remote look-up is one or two calls, bounded
 * by {@link #LOOKUP}, and one that fails or is slow says so instead of holding the prompt.
 *
 * <pre>{@code Confirmer c = confirmer.describing(effect -> PromptContext.about(context, effect));}</pre>
 */
public final class PromptContext {
    /** How long the prompt waits for the platform's answer. */
    static final Duration LOOKUP = Duration.ofSeconds(3);

    private PromptContext() {
    }

    /** A describer of {@code context}'s effects for its confirmer. */
    public static Confirmer.Describer of(OpsContext context) {
        return effect -> about(context, effect);
    }

    /** The prompt's lines for {@code effect} (redacted, as the gate hands it over). */
    public static List<String> about(OpsContext context, Effect effect) {
        List<String> lines = new ArrayList<>();
        String touches = touches(effect);
        if (touches != null) lines.add("touches: " + touches);
        String target = effect.target();
        if ("aws".equals(effect.system()) && target.startsWith("rds instance ")) {
            lines.addAll(bounded(() -> rdsInstance(context, target.substring("rds instance ".length()).trim())));
        } else if ("aws".equals(effect.system()) && target.startsWith("secret ")) {
            lines.addAll(bounded(() -> secret(context, target.substring("secret ".length()).trim())));
        }
        return lines;
    }

    /** How much, from the numbers the verb resolved (as the plan shows them). */
    static String touches(Effect effect) {
        Map<String, Object> p = effect.parameters();
        return switch (effect.verb()) {
            case "flushdb" -> "every key of database " + p.getOrDefault("database", 0) + " on " + effect.target() + ": "
                    + p.getOrDefault("keys", "?") + " keys, sessions and rate limits among them";
            case "delete-matching" -> p.getOrDefault("keys", "?") + " keys matching " + p.get("pattern");
            case "invalidate-sessions" -> p.getOrDefault("sessions", "?") + " sessions of user " + p.get("userId") + " (each signs in again)";
            case "unblock", "block" -> p.getOrDefault("count", "?") + " addresses of " + effect.target()
                    + (p.containsKey("addressesAfter") ? ", " + p.get("addressesAfter") + " in the set after" : "");
            case "force-redeploy" -> p.getOrDefault("runningTasks", "?") + " running tasks of " + effect.target() + " replaced";
            case "terminate-idle-connections" -> p.getOrDefault("connections", "?") + " idle connections";
            case "disable-account" -> "user " + p.get("userId") + ": cannot sign in until enabled";
            default -> null;
        };
    }

    private static List<String> rdsInstance(OpsContext context, String id) {
        List<String> lines = new ArrayList<>();
        RdsClient rds = context.awsClient(RdsClient.class, RdsClient::builder);
        List<DBInstance> found = rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances();
        if (found.isEmpty()) return List.of("touches: instance " + id + ": not found");
        DBInstance i = found.get(0);
        lines.add("instance: " + id + ", " + i.dbInstanceClass() + ", " + i.allocatedStorage() + " GiB, " + i.dbInstanceStatus()
                + (i.instanceCreateTime() == null ? "" : ", created " + i.instanceCreateTime().truncatedTo(ChronoUnit.SECONDS)));
        CloudWatchClient cw = context.awsClient(CloudWatchClient.class, CloudWatchClient::builder);
        Instant now = Instant.now();
        List<Datapoint> points = cw.getMetricStatistics(b -> b.namespace("AWS/RDS").metricName("DatabaseConnections")
                .dimensions(d -> d.name("DBInstanceIdentifier").value(id)).startTime(now.minus(Duration.ofHours(1))).endTime(now)
                .period(300).statistics(Statistic.MAXIMUM)).datapoints();
        if (points.isEmpty()) {
            lines.add("last used: no DatabaseConnections datapoints in the last hour (CloudWatch)");
        } else {
            double max = points.stream().mapToDouble(Datapoint::maximum).max().orElse(0);
            lines.add("last used: " + Math.round(max) + " connections at most in the last hour (CloudWatch DatabaseConnections)"
                    + (max > 0 ? ": it is in use" : ""));
        }
        return lines;
    }

    private static List<String> secret(OpsContext context, String id) {
        SecretsManagerClient sm = context.awsClient(SecretsManagerClient.class, SecretsManagerClient::builder);
        DescribeSecretResponse s = sm.describeSecret(b -> b.secretId(id));
        List<String> lines = new ArrayList<>();
        lines.add("last used: " + (s.lastAccessedDate() == null ? "no access recorded (Secrets Manager LastAccessedDate)"
                : "read on " + s.lastAccessedDate().truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10)
                + " (Secrets Manager LastAccessedDate, to the day)"));
        if (s.lastRotatedDate() != null) lines.add("rotated: last on " + s.lastRotatedDate().truncatedTo(ChronoUnit.SECONDS));
        return lines;
    }

    /** {@code lookup}'s lines, or one line saying it could not tell within {@link #LOOKUP}. */
    private static List<String> bounded(java.util.function.Supplier<List<String>> lookup) {
        CompletableFuture<List<String>> f = CompletableFuture.supplyAsync(lookup);
        try {
            return f.get(LOOKUP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return List.of("last used: could not tell within " + LOOKUP.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            return List.of("last used: could not tell (" + (why.length() > 120 ? why.substring(0, 120) + "..." : why) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
