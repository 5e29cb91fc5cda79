package io.discordination.ops.logs;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
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
            List<LogEvent> events = LogGroup.ofRealName(ops, group).tail(Duration.ofMinutes(10)).stream().toList();
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
            LogQuery tail = LogGroup.ofRealName(ops, group).tail(Duration.ofMinutes(10)).withPageSize(7);
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
            LogQuery query = LogGroup.ofRealName(ops, group).filter("429", Duration.ofMinutes(10)).withPageSize(7);
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
            TopValues top = query.topClientIps(3);
            assertThat(top.values().get(0)).isEqualTo(SeedData.DOMINANT_429_IP);
            List<String> seeded = new ArrayList<>(SeedData.OTHER_429_IPS);
            seeded.add(SeedData.DOMINANT_429_IP);
            assertThat(top.values()).hasSize(3).isSubsetOf(seeded);
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
            FollowResult result = LogGroup.ofRealName(ops, group).follow().pollEvery(Duration.ofMillis(200))
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
            FollowResult result = LogGroup.ofRealName(ops, group).follow().since(Duration.ofMinutes(10))
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
            assertThatThrownBy(() -> LogGroup.ofRealName(ops, "/ecs/nope").tail(Duration.ofMinutes(1)).count())
                    .isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("log group /ecs/nope").hasMessageContaining("environment local");
        }
    }
}
