package io.discordination.ops.sandbox.aws;

import io.discordination.ops.sandbox.SeedData;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The last hour of log lines of api, gateway and earlier one-off tasks, as Phoenix and the BEAM
 * print them. HTTP 429 lines carry {@code status=429} and {@code client_ip=...}, so the filter
 * pattern {@code "429"} finds them and the client IPs can be counted; most come from
 * {@link SeedData#DOMINANT_429_IP}.
 */
final class HistoricalLogs {
    record Line(Instant at, String message) {
    }

    private static final String[] ROUTES = {
            "GET /api/v9/channels/%s/messages", "POST /api/v9/channels/%s/messages", "GET /api/v9/users/@me",
            "GET /api/v9/guilds/%s/members", "PATCH /api/v9/channels/%s/messages/%s", "GET /api/v9/gateway/bot",
            "POST /api/v9/channels/%s/typing", "GET /api/v9/users/@me/guilds"};
    private static final String[] CLIENTS = {"10.42.101.17", "10.42.102.33", "10.42.103.9", "172.31.8.14",
            "198.51.100.61", "192.0.2.131", "203.0.113.140"};

    private final Random random;
    private final Instant now;

    HistoricalLogs(Random random, Instant now) {
        this.random = random;
        this.now = now;
    }

    private String channel() {
        return "11800000000000001" + (10 + random.nextInt(40));
    }

    private String requestId() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder("F");
        for (int i = 0; i < 19; i++) id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return id.toString();
    }

    private String route() {
        String template = ROUTES[random.nextInt(ROUTES.length)];
        return String.format(template, channel(), "1183" + (100000000000000L + random.nextInt(999999)));
    }

    /** One api task's last hour: requests, a few errors, and the rate-limited bursts. */
    List<Line> api(int task) {
        List<Line> lines = new ArrayList<>();
        Instant start = now.minus(Duration.ofMinutes(59));
        lines.add(new Line(start, "[info] Running DiscordinationWeb.Endpoint with Bandit 1.5.7 at :::4000 (http)"));
        for (long t = 0; t < 58 * 60; t += 3 + random.nextInt(5)) {
            Instant at = start.plusSeconds(t).plusMillis(random.nextInt(1000));
            int roll = random.nextInt(100);
            String ip = CLIENTS[random.nextInt(CLIENTS.length)];
            if (roll < 88) {
                int status = roll < 80 ? 200 : roll < 85 ? 204 : roll < 87 ? 404 : 403;
                lines.add(new Line(at, "[info] " + route() + " status=" + status + " duration_ms=" + (2 + random.nextInt(60))
                        + " client_ip=" + ip + " request_id=" + requestId()));
            } else if (roll < 93) {
                lines.add(new Line(at, "[info] Sent 101 in 3ms (websocket upgrade) client_ip=" + ip));
            } else if (roll < 97) {
                lines.add(new Line(at, "[error] " + route() + " status=500 duration_ms=" + (2000 + random.nextInt(300))
                        + " client_ip=" + ip + " request_id=" + requestId()
                        + " error=\"** (DBConnection.ConnectionError) connection not available and request was dropped from queue after 2000ms\""));
            } else {
                lines.add(new Line(at, "[warning] Discordination.Cache: redis command took 412ms (GET api:cache:channel:" + channel() + ":messages)"));
            }
        }
        // bursts of rate-limited requests: the dominant client hammers message creation
        for (int burst = 0; burst < 6; burst++) {
            Instant burstStart = start.plus(Duration.ofMinutes(6 + burst * 9L + random.nextInt(4)));
            int count = 10 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                lines.add(rateLimited(burstStart.plusMillis(i * 700L + random.nextInt(300)), SeedData.DOMINANT_429_IP));
            }
        }
        for (int i = 0; i < 4; i++) {
            for (String ip : SeedData.OTHER_429_IPS) {
                if (random.nextInt(3) == 0 && task == 1) continue;
                lines.add(rateLimited(start.plusSeconds(120 + random.nextInt(55 * 60)), ip));
            }
        }
        // successful requests whose request id or duration holds "429": not rate limited (own generator,
        // so the lines above stay as they were)
        Random lookalike = new Random(20261202L + task);
        for (int i = 0; i < 8; i++) {
            Instant at = start.plusSeconds(300 + lookalike.nextInt(50 * 60));
            String requestId = i % 2 == 0 ? "F429" + Long.toString(lookalike.nextLong() & 0xffffffffffffL, 36) : "Fq" + lookalike.nextInt(100000);
            lines.add(new Line(at, "[info] GET /api/v9/users/@me/guilds status=200 duration_ms=" + (i % 2 == 0 ? 3 : 429)
                    + " client_ip=" + SeedData.LOOKALIKE_429_IP + " request_id=" + requestId));
        }
        return lines;
    }

    private Line rateLimited(Instant at, String ip) {
        return new Line(at, "[warning] POST /api/v9/channels/" + channel() + "/messages status=429 duration_ms=1 client_ip=" + ip
                + " request_id=" + requestId() + " rate_limited bucket=messages:create retry_after_ms=" + (200 + random.nextInt(1800)));
    }

    /** One gateway task's last hour: sessions coming and going, and BEAM memory rising. */
    List<Line> gateway(int task) {
        List<Line> lines = new ArrayList<>();
        Instant start = now.minus(Duration.ofMinutes(59));
        lines.add(new Line(start, "[info] Discordination.Gateway listening on :::4001 (node gateway@10.42." + (task + 1) + ".23)"));
        for (long t = 0; t < 58 * 60; t += 4 + random.nextInt(6)) {
            Instant at = start.plusSeconds(t).plusMillis(random.nextInt(1000));
            int roll = random.nextInt(100);
            String session = Long.toHexString(random.nextLong() & 0xffffffffffL);
            if (roll < 45) {
                lines.add(new Line(at, "[info] IDENTIFY session=" + session + " user_id=user-" + (1 + random.nextInt(SeedData.USERS)) + " shard=0/1"));
            } else if (roll < 80) {
                lines.add(new Line(at, "[info] session closed session=" + session + " code=1000 duration_s=" + random.nextInt(7200)));
            } else if (roll < 93) {
                lines.add(new Line(at, "[warning] heartbeat timeout session=" + session + " last_ack_ms=" + (41250 + random.nextInt(20000))));
            } else {
                lines.add(new Line(at, "[info] RESUME session=" + session + " replayed=" + random.nextInt(40) + " events"));
            }
        }
        for (int minute = 5; minute < 59; minute += 10) {
            double total = 1.4 + minute / 59.0 * 1.3;
            lines.add(new Line(start.plus(Duration.ofMinutes(minute)),
                    String.format("[warning] BEAM memory high: total=%.2fGB processes=%.2fGB binary=%.2fGB ets=0.21GB",
                            total, total * 0.68, total * 0.22)));
        }
        return lines;
    }

    /** An earlier, successful migration run 50 minutes ago. */
    List<Line> earlierMigration() {
        Instant at = now.minus(Duration.ofMinutes(50));
        return List.of(
                new Line(at, "[info] Starting Discordination.Release.migrate/0 (release 2026.11.27-8d1e0c4)"),
                new Line(at.plusMillis(420), "[info] Repo Discordination.Repo: connecting to discordination-prod.cluster.internal:5432/discordination"),
                new Line(at.plusMillis(910), "[info] == Running 20261126141500 Discordination.Repo.Migrations.AddUsersDisabled.change/0 forward"),
                new Line(at.plusMillis(930), "[info] alter table users"),
                new Line(at.plusMillis(1510), "[info] == Migrated 20261126141500 in 0.6s"),
                new Line(at.plusMillis(1530), "[info] Migrations finished: 1 applied, 0 pending"),
                new Line(at.plusMillis(1540), "[info] Discordination.Release.migrate/0 finished, exiting with status 0"));
    }

    /** An earlier cleanup dry run 30 minutes ago. */
    List<Line> earlierCleanup() {
        Instant at = now.minus(Duration.ofMinutes(30));
        List<Line> lines = new ArrayList<>();
        List<String> start = TaskLogLines.cleanupStart(List.of("--once", "--dry-run"));
        for (int i = 0; i < start.size(); i++) lines.add(new Line(at.plusMillis(i * 200L), start.get(i)));
        List<String> end = TaskLogLines.cleanupEnd(List.of("--once", "--dry-run"), 0);
        for (int i = 0; i < end.size(); i++) lines.add(new Line(at.plusSeconds(3).plusMillis(i * 200L), end.get(i)));
        return lines;
    }
}
