package io.discordination.ops.logs;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.AwsCalls;
import io.discordination.ops.aws.SandboxAws;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SandboxExtension.class)
class LogGroupTest {

    /** A fresh log group of the test's own, with {@code perStream} events in each of three streams, interleaved in time. */
    private static String groupWithEvents(SandboxInfo info, int perStream) {
        String group = "/test/logs-" + UUID.randomUUID();
        try (CloudWatchLogsClient logs = SandboxAws.client(info, CloudWatchLogsClient.builder())) {
            logs.createLogGroup(b -> b.logGroupName(group));
            long base = Instant.now().minus(Duration.ofMinutes(5)).toEpochMilli();
            for (int s = 0; s < 3; s++) {
                String stream = "app/app/stream" + s;
                logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
                List<InputLogEvent> events = new ArrayList<>();
                for (int i = 0; i < perStream; i++) {
                    events.add(InputLogEvent.builder().timestamp(base + i * 30L + s * 10L)
                            .message("line " + i + " of stream " + s + (i % 5 == 0 ? " status=429 client_ip=198.51.100." + s : " status=200")).build());
                }
                final int streamNo = s;
                logs.putLogEvents(b -> b.logGroupName(group).logStreamName("app/app/stream" + streamNo).logEvents(events));
            }
        }
        return group;
    }

    @Test
    void tail_whenSeveralStreams_returnsEveryEventTimeOrdered(SandboxInfo info, @TempDir Path home) {
        String group = groupWithEvents(info, 40);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            List<LogEvent> events = ops.logGroup(group).tail(Duration.ofMinutes(10)).stream().toList();
            assertThat(events).hasSize(120);
            assertThat(events).extracting(LogEvent::timestamp).isSorted();
            assertThat(events).extracting(LogEvent::stream).contains("app/app/stream0", "app/app/stream1", "app/app/stream2");
            assertThat(events.get(0).toString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00 app/app/stream0 line 0 .*");
        }
    }

    @Test
    void last_whenMoreEventsThanAsked_keepsTheNewestAcrossPages(SandboxInfo info, @TempDir Path home) {
        String group = groupWithEvents(info, 40);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            LogQuery tail = ops.logGroup(group).tail(Duration.ofMinutes(10)).withPageSize(7);
            List<LogEvent> all = tail.stream().toList();

            LogEvents last = tail.last(5);

            assertThat(last.events()).containsExactlyElementsOf(all.subList(all.size() - 5, all.size()));
            assertThat(last.truncated()).isTrue();
            assertThat(last.toString()).startsWith("... earlier events left out; the newest 5 follow");
            assertThat(tail.last(500).truncated()).isFalse();
        }
    }

    @Test
    void filter_whenResultsSpanManyPages_readsEveryPage(SandboxInfo info, @TempDir Path home) {
        String group = groupWithEvents(info, 100);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            LogQuery query = ops.logGroup(group).filter("429", Duration.ofMinutes(10)).withPageSize(7);
            List<LogEvent> events = query.stream().toList();
            assertThat(events).hasSize(60);
            assertThat(events).extracting(LogEvent::eventId).doesNotHaveDuplicates();
            assertThat(events).allSatisfy(e -> assertThat(e.message()).contains("status=429"));
            assertThat(query.filterPattern()).isEqualTo("\"429\"");
        }
    }

    @Test
    void filter_when429InTheSeededApiLogs_countsWhatCloudWatchFinds(SandboxInfo info, @TempDir Path home) {
        long expected;
        try (CloudWatchLogsClient logs = SandboxAws.client(info, CloudWatchLogsClient.builder())) {
            long start = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
            expected = logs.filterLogEventsPaginator(b -> b.logGroupName(SeedData.LOG_GROUP_API).filterPattern("\"429\"").startTime(start))
                    .events().stream().map(FilteredLogEvent::eventId).count();
        }
        try (OpsContext ops = SandboxAws.context(info, home)) {
            LogQuery query = ops.logs("api").filter("429", Duration.ofHours(1));
            assertThat(query.count()).isEqualTo(expected).isPositive();
            // a plain term is the same search in Logs Insights: it also finds the lookalike's "429"s
            TopValues top = query.topClientIps(3);
            assertThat(top.values()).hasSize(3).startsWith(SeedData.DOMINANT_429_IP).contains(SeedData.LOOKALIKE_429_IP);
            assertThat(top.eventsCounted()).isPositive().isLessThanOrEqualTo(expected);
            assertThat(top.toString()).contains("CLIENT IP").contains(SeedData.DOMINANT_429_IP);
        }
    }

    @Test
    void follow_whenEventsArriveWhileFollowing_passesEachOnOnceAndStopsOnCondition(SandboxInfo info, @TempDir Path home) throws Exception {
        String group = "/test/follow-" + UUID.randomUUID();
        String stream = "app/app/live";
        try (CloudWatchLogsClient logs = SandboxAws.client(info, CloudWatchLogsClient.builder());
             OpsContext ops = SandboxAws.context(info, home)) {
            logs.createLogGroup(b -> b.logGroupName(group));
            logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                for (int batch = 0; batch < 5; batch++) {
                    int first = written.get();
                    List<InputLogEvent> events = new ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        events.add(InputLogEvent.builder().timestamp(System.currentTimeMillis()).message("event " + (first + i)).build());
                    }
                    logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events));
                    written.addAndGet(4);
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            writer.start();
            List<LogEvent> seen = new ArrayList<>();
            FollowResult result = ops.logGroup(group).follow().pollEvery(Duration.ofMillis(200))
                    .timeout(Duration.ofMinutes(1)).until(() -> !writer.isAlive()).forEach(seen::add);
            writer.join();
            assertThat(result.stoppedBecause()).isEqualTo("condition");
            assertThat(result.polls()).isGreaterThan(1);
            assertThat(seen).hasSize(20);
            Set<String> messages = new HashSet<>();
            seen.forEach(e -> messages.add(e.message()));
            assertThat(messages).hasSize(20);
        }
    }

    @Test
    void follow_whenNothingHappens_stopsAtTheTimeout(SandboxInfo info, @TempDir Path home) {
        String group = groupWithEvents(info, 1);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            List<LogEvent> seen = new ArrayList<>();
            FollowResult result = ops.logGroup(group).follow().since(Duration.ofMinutes(10))
                    .pollEvery(Duration.ofMillis(100)).timeout(Duration.ofMillis(500)).forEach(seen::add);
            assertThat(result.stoppedBecause()).isEqualTo("timeout");
            assertThat(seen).hasSize(3);
        }
    }

    @Test
    void logs_whenNameUnknown_listsKnownShortNames(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.logs("apii")).isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("known: api, gateway, migrate, cleanup");
            assertThat(ops.logs(SeedData.LOG_GROUP_API).name()).isEqualTo(SeedData.LOG_GROUP_API);
        }
    }

    @Test
    void tail_whenGroupMissing_isNotFoundNamingIt(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.logGroup("/ecs/nope").tail(Duration.ofMinutes(1)).count())
                    .isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("log group /ecs/nope").hasMessageContaining("environment local");
        }
    }

    /** A group of the test's own with {@code count} events spread evenly over the last {@code span}, 1 in 10 a 429 from one of 50 clients. */
    private static String groupOverTime(SandboxInfo info, int count, Duration span) {
        String group = "/test/scale-" + UUID.randomUUID();
        try (CloudWatchLogsClient logs = SandboxAws.client(info, CloudWatchLogsClient.builder())) {
            logs.createLogGroup(b -> b.logGroupName(group));
            logs.createLogStream(b -> b.logGroupName(group).logStreamName("api/api/1"));
            long now = Instant.now().toEpochMilli();
            long step = span.toMillis() / count;
            List<InputLogEvent> events = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String line = i % 10 == 0
                        ? "[warning] POST /m status=429 duration_ms=1 client_ip=198.51.100." + (i / 10 % 50) + " request_id=Fr" + i
                        : "[info] GET /x status=200 duration_ms=" + (i % 500) + " client_ip=10.0.0." + (i % 200) + " request_id=F429" + i;
                events.add(InputLogEvent.builder().timestamp(now - span.toMillis() + i * step).message(line).build());
            }
            for (int i = 0; i < events.size(); i += 5000) {
                List<InputLogEvent> batch = events.subList(i, Math.min(events.size(), i + 5000));
                logs.putLogEvents(b -> b.logGroupName(group).logStreamName("api/api/1").logEvents(batch));
            }
        }
        return group;
    }

    @Test
    void topClientIps_whenRequestIdsAndDurationsHold429_ranksOnlyClientsWhoseStatusWas429(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            // the trap is real: the term "429" finds the lookalike's successful requests
            assertThat(ops.logs("api").filter("429", Duration.ofHours(1)).stream()
                    .anyMatch(e -> e.message().contains("client_ip=" + SeedData.LOOKALIKE_429_IP))).isTrue();

            TopValues top = ops.logs("api").status(429, Duration.ofHours(1)).topClientIps(10);

            List<String> seeded = new ArrayList<>(SeedData.OTHER_429_IPS);
            seeded.add(SeedData.DOMINANT_429_IP);
            assertThat(top.values().get(0)).isEqualTo(SeedData.DOMINANT_429_IP);
            assertThat(top.values()).containsExactlyInAnyOrderElementsOf(seeded).doesNotContain(SeedData.LOOKALIKE_429_IP);
            // an independent count of status=429 lines per client, with the CLI
            long dominant = SandboxAws.cli(info, "logs", "filter-log-events", "--log-group-name", SeedData.LOG_GROUP_API,
                    "--start-time", String.valueOf(Instant.now().minus(Duration.ofHours(1)).toEpochMilli()),
                    "--filter-pattern", "\"client_ip=" + SeedData.DOMINANT_429_IP + "\"", "--query", "length(events)").strip()
                    .lines().mapToLong(Long::parseLong).sum();
            assertThat(top.top().get(0).count()).isEqualTo(dominant);
        }
    }

    @Test
    void topClientIps_whenEventsGrowFiftyfold_makesTheSameHandfulOfCalls(SandboxInfo info, @TempDir Path home) {
        String small = groupOverTime(info, 200, Duration.ofMinutes(30));
        String large = groupOverTime(info, 10_000, Duration.ofMinutes(30));
        try (OpsContext ops = SandboxAws.context(info, home)) {
            AwsCalls.Snapshot t0 = ops.awsCalls().snapshot();
            TopValues fromSmall = ops.logGroup(small).status(429, Duration.ofHours(1)).topClientIps(5);
            AwsCalls.Snapshot t1 = ops.awsCalls().snapshot();
            TopValues fromLarge = ops.logGroup(large).status(429, Duration.ofHours(1)).topClientIps(5);
            AwsCalls.Snapshot t2 = ops.awsCalls().snapshot();

            AwsCalls.Snapshot smallCalls = t1.since(t0);
            AwsCalls.Snapshot largeCalls = t2.since(t1);
            assertThat(largeCalls.calls()).isEqualTo(smallCalls.calls());
            assertThat(smallCalls.calls("CloudWatchLogs:StartQuery")).isEqualTo(1);
            assertThat(smallCalls.calls("CloudWatchLogs:GetQueryResults")).isBetween(1L, 3L);
            assertThat(smallCalls.calls("CloudWatchLogs:FilterLogEvents")).isZero();
            assertThat(fromSmall.top()).hasSize(5);
            assertThat(fromLarge.top()).hasSize(5).allSatisfy(e -> assertThat(e.value()).startsWith("198.51.100."));
            assertThat(fromLarge.top().get(0).count()).isEqualTo(20);
            assertThat(fromLarge.eventsScanned()).isEqualTo(10_000);
        }
    }

    @Test
    void last_whenTheTimeRangeHoldsAnHourOfEvents_readsOnlyTheNewestWindows(SandboxInfo info, @TempDir Path home) {
        String group = groupOverTime(info, 1800, Duration.ofHours(1));
        try (OpsContext ops = SandboxAws.context(info, home)) {
            LogQuery tail = ops.logGroup(group).tail(Duration.ofMinutes(70));
            List<LogEvent> all = tail.stream().toList();
            AwsCalls.Snapshot before = ops.awsCalls().snapshot();

            LogEvents last = tail.last(5);

            AwsCalls.Snapshot made = ops.awsCalls().snapshot().since(before);
            assertThat(last.events()).containsExactlyElementsOf(all.subList(all.size() - 5, all.size()));
            assertThat(last.truncated()).isTrue();
            // 1,800 events an hour is one every 2 s: the first 10-second window has them
            assertThat(made.calls("CloudWatchLogs:FilterLogEvents")).isLessThanOrEqualTo(2);
        }
    }

    @Test
    void last_whenTheServiceWasQuiet_reachesBackFasterAndStaysWithinTheQuotaOfFiveCallsASecond(SandboxInfo info, @TempDir Path home) {
        // the case of a service that stopped logging (api-not-responding): events only before the range
        String group = "/test/quiet-" + UUID.randomUUID();
        try (CloudWatchLogsClient logs = SandboxAws.client(info, CloudWatchLogsClient.builder())) {
            logs.createLogGroup(b -> b.logGroupName(group));
            logs.createLogStream(b -> b.logGroupName(group).logStreamName("api/api/1"));
            logs.putLogEvents(b -> b.logGroupName(group).logStreamName("api/api/1").logEvents(InputLogEvent.builder()
                    .timestamp(Instant.now().minus(Duration.ofMinutes(70)).toEpochMilli()).message("[info] last line").build()));
        }
        try (OpsContext ops = SandboxAws.context(info, home)) {
            for (Duration range : List.of(Duration.ofMinutes(10), Duration.ofHours(1))) {
                AwsCalls.Snapshot before = ops.awsCalls().snapshot();

                LogEvents last = ops.logGroup(group).tail(range).last(20);

                long calls = ops.awsCalls().snapshot().since(before).calls("CloudWatchLogs:FilterLogEvents");
                assertThat(last.events()).as("nothing in the last %s", range).isEmpty();
                // windows of 10 s, 40 s, 160 s, then the rest of 10 minutes: within the five calls a second FilterLogEvents
                // allows, so the tail never waits for its pacer; an hour adds 640 s and 2,560 s (doubling took 6 and 9)
                assertThat(calls).as("calls over %s", range).isEqualTo(range.toMinutes() == 10 ? 4 : 6);
            }
        }
    }

    @Test
    void first_whenManyMatch_readsOnePageOfThatSize(SandboxInfo info, @TempDir Path home) {
        String group = groupOverTime(info, 2000, Duration.ofMinutes(30));
        try (OpsContext ops = SandboxAws.context(info, home)) {
            AwsCalls.Snapshot before = ops.awsCalls().snapshot();
            LogEvents first = ops.logGroup(group).status(429, Duration.ofHours(1)).first(10);
            assertThat(first.events()).hasSize(10).allSatisfy(e -> assertThat(e.message()).contains("status=429"));
            assertThat(first.truncated()).isTrue();
            assertThat(ops.awsCalls().snapshot().since(before).calls("CloudWatchLogs:FilterLogEvents")).isEqualTo(1);
        }
    }

    @Test
    void stream_whenAPageStaysThrottledPastTheSdkRetries_asksForThePageAgainAndLosesNothing(SandboxInfo info, @TempDir Path home) {
        String group = groupWithEvents(info, 40);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            long expected = ops.logGroup(group).tail(Duration.ofMinutes(10)).stream().count();
            // more throttled answers than the SDK's 3 attempts of one call
            SandboxAws.cli(info, "logs", "tag-log-group", "--log-group-name", group, "--tags", "sandbox:throttle-filter-log-events=4");
            AwsCalls.Snapshot before = ops.awsCalls().snapshot();

            long read = ops.logGroup(group).tail(Duration.ofMinutes(10)).stream().count();

            AwsCalls.Snapshot made = ops.awsCalls().snapshot().since(before);
            assertThat(read).isEqualTo(expected).isEqualTo(120);
            // the SDK made 3 attempts of the first call, then the page was asked for again (a second call, 2 attempts)
            long calls = made.calls("CloudWatchLogs:FilterLogEvents");
            assertThat(calls).isGreaterThanOrEqualTo(2);
            assertThat(made.attempts().get("CloudWatchLogs:FilterLogEvents") - calls).isEqualTo(3);
        }
    }

    @Test
    void status_whenNotAnHttpStatus_isBadInput(SandboxInfo info, @TempDir Path home) {
        try (OpsContext ops = SandboxAws.context(info, home)) {
            assertThatThrownBy(() -> ops.logs("api").status(42, Duration.ofHours(1)))
                    .isInstanceOf(OpsException.InvalidInputException.class).hasMessageContaining("Not an HTTP status: 42");
        }
    }

    @Test
    void last_whenAStreamHasNoStart_readsItOnceAndKeepsTheNewest(SandboxInfo info, @TempDir Path home) {
        String group = groupWithEvents(info, 40);
        try (OpsContext ops = SandboxAws.context(info, home)) {
            LogQuery stream = ops.logGroup(group).stream("app/app/stream1");
            List<LogEvent> all = stream.stream().toList();
            AwsCalls.Snapshot before = ops.awsCalls().snapshot();

            LogEvents last = stream.last(3);

            assertThat(last.events()).containsExactlyElementsOf(all.subList(all.size() - 3, all.size()));
            assertThat(ops.awsCalls().snapshot().since(before).calls("CloudWatchLogs:FilterLogEvents")).isEqualTo(1);
        }
    }
}
