package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogStream;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.Scope;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A rate-limit bypass in progress: for the last 15 minutes three addresses have been hammering
 * message creation, rotating between the api tasks, each getting hundreds of HTTP 429s, hidden
 * among ordinary traffic (thousands of 200s from many clients, some of them also rate limited once
 * or twice, and lines whose request id or duration merely contains "429"). Written as the api tasks
 * log, to a new log stream of each running api task in {@code /ecs/discordination-api}.
 *
 * <p>The drill passes the runbook the addresses an operator would pick from its "top client IPs"
 * table: those with more than {@link #OPERATOR_THRESHOLD} 429s in the window, read here from the
 * logs with an SDK client of its own.
 *
 * <pre>{@code new RateLimitBypass().breakIt(sandbox);   // 203.0.113.58, 198.51.100.23, 192.0.2.201 flooding}</pre>
 */
public final class RateLimitBypass implements Scenario {
    /** The flooding addresses (documentation ranges, none private nor the platform's own). */
    static final List<String> FLOOD_IPS = List.of("203.0.113.58", "198.51.100.23", "192.0.2.201");
    /** Ordinary clients; a few get the odd 429 and must not be blocked. */
    static final List<String> NORMAL_IPS = List.of("198.51.100.61", "192.0.2.131", "203.0.113.140", "198.51.100.87",
            "192.0.2.66", "203.0.113.12", SeedData.LOOKALIKE_429_IP);
    static final Duration WINDOW = Duration.ofMinutes(15);
    /** More 429s than this in the window and an operator blocks the address. */
    static final int OPERATOR_THRESHOLD = 50;
    static final String STREAM_PREFIX = "api/api/";
    private static final Pattern CLIENT_IP = Pattern.compile("\\bclient_ip=([0-9A-Fa-f:.]+)");

    @Override
    public String name() {
        return "rate-limit-bypass";
    }

    @Override
    public String symptoms() {
        return "Message spam in several guilds although rate limits hold: HTTP 429s climbing in the api logs.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) {
        List<String> taskIds = apiTaskIds(sandbox);
        Random random = new Random(20261202L);
        Instant now = Instant.now();
        Instant start = now.minus(WINDOW);
        List<List<InputLogEvent>> perTask = new ArrayList<>();
        for (int i = 0; i < taskIds.size(); i++) perTask.add(new ArrayList<>());
        // ordinary traffic, one line about every 400 ms across the tasks
        for (long ms = 0; ms < WINDOW.toMillis(); ms += 200 + random.nextInt(400)) {
            String ip = NORMAL_IPS.get(random.nextInt(NORMAL_IPS.size()));
            int roll = random.nextInt(1000);
            int status = roll < 4 ? 429 : roll < 900 ? 200 : roll < 960 ? 204 : 404;
            // the look-alike client's request ids contain "429": a search for the bare term finds it, one on the status does not
            String requestId = requestId(random, ip.equals(SeedData.LOOKALIKE_429_IP) ? "429" : "");
            String line = status == 429
                    ? rateLimited(ip, random)
                    : "[info] GET /api/v9/channels/11800000000000001" + (10 + random.nextInt(40)) + "/messages status=" + status
                    + " duration_ms=" + (2 + random.nextInt(60)) + " client_ip=" + ip + " request_id=" + requestId;
            perTask.get(random.nextInt(taskIds.size())).add(event(start.plusMillis(ms), line));
        }
        // the flood: bursts from each address, spread over the tasks behind the load balancer
        for (String ip : FLOOD_IPS) {
            for (long ms = random.nextInt(20_000); ms < WINDOW.toMillis(); ms += 2_500 + random.nextInt(3_000)) {
                perTask.get(random.nextInt(taskIds.size())).add(event(start.plusMillis(ms), rateLimited(ip, random)));
            }
        }
        CloudWatchLogsClient logs = sandbox.aws().logs();
        for (int i = 0; i < taskIds.size(); i++) {
            String stream = STREAM_PREFIX + taskIds.get(i);
            boolean exists = logs.describeLogStreams(r -> r.logGroupName(SeedData.LOG_GROUP_API).logStreamNamePrefix(stream))
                    .logStreams().stream().map(LogStream::logStreamName).anyMatch(stream::equals);
            if (!exists) logs.createLogStream(r -> r.logGroupName(SeedData.LOG_GROUP_API).logStreamName(stream));
            List<InputLogEvent> events = perTask.get(i).stream().sorted(Comparator.comparing(InputLogEvent::timestamp)).toList();
            for (int from = 0; from < events.size(); from += 5000) {
                List<InputLogEvent> batch = events.subList(from, Math.min(events.size(), from + 5000));
                logs.putLogEvents(r -> r.logGroupName(SeedData.LOG_GROUP_API).logStreamName(stream).logEvents(batch));
            }
        }
    }

    private static List<String> apiTaskIds(SandboxAccess sandbox) {
        return apiTaskIds(sandbox, software.amazon.awssdk.services.ecs.model.DesiredStatus.RUNNING);
    }

    private static List<String> apiTaskIds(SandboxAccess sandbox, software.amazon.awssdk.services.ecs.model.DesiredStatus status) {
        List<String> arns = sandbox.aws().ecs().listTasks(r -> r.cluster(SeedData.CLUSTER).serviceName("api").desiredStatus(status)).taskArns();
        List<String> ids = arns.stream().map(a -> a.substring(a.lastIndexOf('/') + 1)).toList();
        return ids.isEmpty() ? List.of("0f5e6a1b2c3d4e5f60718293a4b5c6d7") : ids;
    }

    private static String rateLimited(String ip, Random random) {
        return "[warning] POST /api/v9/channels/11800000000000001" + (10 + random.nextInt(40)) + "/messages status=429 duration_ms="
                + (1 + random.nextInt(4)) + " client_ip=" + ip + " request_id=" + requestId(random, "") + " rate_limited bucket=messages:create";
    }

    private static String requestId(Random random, String infix) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder("F").append(infix);
        while (id.length() < 20) id.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return id.toString();
    }

    private static InputLogEvent event(Instant at, String message) {
        return InputLogEvent.builder().timestamp(at.toEpochMilli()).message(message).build();
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("the flooding addresses are blocked in the WAF, and no ordinary client is", sandbox -> {
            Set<String> blocked = new HashSet<>(ipSet(sandbox).ipSet().addresses());
            List<String> open = FLOOD_IPS.stream().filter(ip -> !blocked.contains(ip + "/32")).toList();
            List<String> wronglyBlocked = NORMAL_IPS.stream().filter(ip -> blocked.contains(ip + "/32")).toList();
            return Observation.of(open.isEmpty() && wronglyBlocked.isEmpty(),
                    (FLOOD_IPS.size() - open.size()) + " of " + FLOOD_IPS.size() + " flooding addresses blocked"
                            + (open.isEmpty() ? "" : " (not: " + String.join(", ", open) + ")")
                            + (wronglyBlocked.isEmpty() ? "" : "; ordinary clients blocked: " + String.join(", ", wronglyBlocked)));
        }));
    }

    private static GetIpSetResponse ipSet(SandboxAccess sandbox) {
        SandboxInfo info = sandbox.info();
        Wafv2Client waf = sandbox.aws().waf();
        return waf.getIPSet(r -> r.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(info.ipSetId()));
    }

    /** The addresses with more than {@link #OPERATOR_THRESHOLD} 429s in the window, as the runbook's top-IP table shows them. */
    @Override
    public Map<String, String> runbookParams(SandboxAccess sandbox) {
        Map<String, Integer> counts = new TreeMap<>();
        long start = Instant.now().minus(WINDOW).minusSeconds(60).toEpochMilli();
        String token = null;
        do {
            String next = token;
            var page = sandbox.aws().logs().filterLogEvents(r -> r.logGroupName(SeedData.LOG_GROUP_API).startTime(start)
                    .filterPattern("\"status=429\"").nextToken(next));
            for (FilteredLogEvent e : page.events()) {
                Matcher m = CLIENT_IP.matcher(e.message());
                if (m.find()) counts.merge(m.group(1), 1, Integer::sum);
            }
            token = page.nextToken();
        } while (token != null);
        String block = counts.entrySet().stream().filter(e -> e.getValue() > OPERATOR_THRESHOLD).map(Map.Entry::getKey)
                .collect(Collectors.joining(","));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("since", WINDOW.toMinutes() + "m");
        if (!block.isEmpty()) params.put("block", block);
        return params;
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO);
    }

    /**
     * What the break and the runbook changed, undone in place (a reseed of moto takes ten seconds
     * or more): the WAF IP set back to its seeded addresses, the break's log streams removed.
     */
    @Override
    public void heal(SandboxAccess sandbox) {
        SandboxInfo info = sandbox.info();
        GetIpSetResponse set = ipSet(sandbox);
        sandbox.aws().waf().updateIPSet(r -> r.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL).id(info.ipSetId())
                .addresses(SeedData.BLOCKED_ADDRESSES).lockToken(set.lockToken()));
        List<String> tasks = new ArrayList<>(apiTaskIds(sandbox));
        tasks.addAll(apiTaskIds(sandbox, software.amazon.awssdk.services.ecs.model.DesiredStatus.STOPPED));
        for (String taskId : tasks) {
            try {
                sandbox.aws().logs().deleteLogStream(r -> r.logGroupName(SeedData.LOG_GROUP_API).logStreamName(STREAM_PREFIX + taskId));
            } catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException gone) {
                // never written (the break failed early) or removed already
            }
        }
    }
}
