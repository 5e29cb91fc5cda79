package io.discordination.ops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.discordination.ops.sandbox.aws.AwsClients;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox's CloudWatch Logs Insights, driven only by the aws CLI ({@code start-query},
 * {@code get-query-results}) on log events written with the SDK: the query subset the runbooks use,
 * with the results and statistics AWS documents.
 */
@ExtendWith(SandboxExtension.class)
class SandboxLogsInsightsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A group of the test's own: 5 429s from .77, 2 from .45, 9 status=200 lines of .3 whose id and duration hold 429, one line without status. */
    private static String group(SandboxInfo sandbox) {
        String group = "/test/insights-" + UUID.randomUUID();
        long base = Instant.now().minusSeconds(120).toEpochMilli();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 5; i++) lines.add("[warning] POST /m status=429 duration_ms=1 client_ip=203.0.113.77 request_id=Fa" + i);
        for (int i = 0; i < 2; i++) lines.add("[warning] POST /m status=429 duration_ms=1 client_ip=192.0.2.45 request_id=Fb" + i);
        for (int i = 0; i < 9; i++) lines.add("[info] GET /x status=200 duration_ms=429 client_ip=10.1.2.3 request_id=F429" + i);
        lines.add("[info] Sent 101 in 3ms client_ip=10.9.9.9");
        try (AwsClients aws = new AwsClients(sandbox.awsEndpoint(), sandbox.region(), sandbox.accessKeyId(), sandbox.secretAccessKey())) {
            aws.logs().createLogGroup(b -> b.logGroupName(group));
            aws.logs().createLogStream(b -> b.logGroupName(group).logStreamName("api/api/1"));
            List<InputLogEvent> events = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                events.add(InputLogEvent.builder().timestamp(base + i * 100L).message(lines.get(i)).build());
            }
            aws.logs().putLogEvents(b -> b.logGroupName(group).logStreamName("api/api/1").logEvents(events));
        }
        return group;
    }

    private static Shell.Result cli(SandboxInfo sandbox, String command) {
        return Shell.run(sandbox.exports(), command);
    }

    private static JsonNode json(Shell.Result r) throws Exception {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return JSON.readTree(r.out());
    }

    /** Starts {@code query} over the last hour of {@code group} and polls get-query-results until Complete; returns every answer. */
    private static List<JsonNode> query(SandboxInfo sandbox, String group, String query) throws Exception {
        String start = "aws logs start-query --log-group-name '" + group + "' --start-time $(( $(date +%s) - 3600 ))"
                + " --end-time $(date +%s) --query-string '" + query.replace("'", "'\\''") + "' --query queryId --output text";
        Shell.Result started = cli(sandbox, start);
        assertThat(started.exitCode()).as(started.toString()).isZero();
        String id = started.out().strip();
        List<JsonNode> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            JsonNode answer = json(cli(sandbox, "aws logs get-query-results --query-id " + id + " --output json"));
            answers.add(answer);
            if (answer.path("status").asText().equals("Complete")) return answers;
        }
        throw new AssertionError("not Complete after 10 polls: " + answers);
    }

    private static List<Map<String, String>> rows(JsonNode answer) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode row : answer.path("results")) {
            Map<String, String> fields = new LinkedHashMap<>();
            row.forEach(f -> fields.put(f.path("field").asText(), f.path("value").asText()));
            rows.add(fields);
        }
        return rows;
    }

    @Test
    void statsCountBy_whenStatusParsed_ranksOnlyThe429ClientsWithStatistics(SandboxInfo sandbox) throws Exception {
        String group = group(sandbox);

        List<JsonNode> answers = query(sandbox, group, "parse @message /\\bstatus=(?<status>\\d{3})\\b/"
                + " | parse @message /client_ip=(?<client_ip>\\S+)/ | filter status = 429"
                + " | stats count(*) as requests by client_ip | sort requests desc | limit 10");

        // a query is Running when first asked for, as a real one is
        assertThat(answers.get(0).path("status").asText()).isEqualTo("Running");
        assertThat(answers.get(0).path("results")).isEmpty();
        JsonNode done = answers.get(answers.size() - 1);
        // group fields first, then the aggregate, every value a string
        assertThat(rows(done)).containsExactly(
                Map.of("client_ip", "203.0.113.77", "requests", "5"),
                Map.of("client_ip", "192.0.2.45", "requests", "2"));
        assertThat(done.path("results").get(0).get(0).path("field").asText()).isEqualTo("client_ip");
        assertThat(done.at("/statistics/recordsScanned").asDouble()).isEqualTo(17.0);
        assertThat(done.at("/statistics/recordsMatched").asDouble()).isEqualTo(7.0);
        assertThat(done.at("/statistics/bytesScanned").asDouble()).isPositive();
    }

    @Test
    void parseGlob_whenFilteredAndLimited_returnsTheFieldsAndPtrNewestFirst(SandboxInfo sandbox) throws Exception {
        String group = group(sandbox);

        List<JsonNode> answers = query(sandbox, group, "parse @message \"* * status=* duration_ms=* client_ip=* *\" as level, route, status, ms, ip, rest"
                + " | filter status != 429 and ms >= 400 | fields @timestamp, ip, ms | limit 3");

        List<Map<String, String>> rows = rows(answers.get(answers.size() - 1));
        assertThat(rows).hasSize(3);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r).containsOnlyKeys("@timestamp", "ip", "ms", "@ptr");
            assertThat(r).containsEntry("ip", "10.1.2.3").containsEntry("ms", "429");
            assertThat(r.get("@timestamp")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}");
        });
        // without a sort command, newest first
        assertThat(rows.get(0).get("@timestamp")).isGreaterThan(rows.get(1).get("@timestamp"));
        assertThat(answers.get(answers.size() - 1).at("/statistics/recordsMatched").asDouble()).isEqualTo(9.0);
    }

    @Test
    void sortAscAndComparisons_whenNumbers_compareAsNumbers(SandboxInfo sandbox) throws Exception {
        String group = group(sandbox);

        List<JsonNode> answers = query(sandbox, group, "parse @message /duration_ms=(?<ms>\\d+)/ | filter ispresent(ms) and ms < 100"
                + " | stats count(*) by ms | sort ms asc");

        assertThat(rows(answers.get(answers.size() - 1))).containsExactly(Map.of("ms", "1", "count(*)", "7"));
    }

    @Test
    void startQuery_whenSyntaxIsUnsupported_failsWithInvalidParameter(SandboxInfo sandbox) {
        String group = group(sandbox);

        Shell.Result r = cli(sandbox, "aws logs start-query --log-group-name '" + group + "' --start-time 0 --end-time $(date +%s)"
                + " --query-string 'stats percentile_bogus(x) by y'");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains("InvalidParameterException");
    }

    @Test
    void filterLogEvents_whenGroupIsTaggedToThrottle_answersThrottlingThenServes(SandboxInfo sandbox) {
        String group = group(sandbox);
        String tag = "aws logs tag-log-group --log-group-name '" + group + "' --tags sandbox:throttle-filter-log-events=1";
        String filter = "AWS_MAX_ATTEMPTS=1 aws logs filter-log-events --log-group-name '" + group + "' --query 'length(events)'";
        assertThat(cli(sandbox, tag).exitCode()).isZero();

        Shell.Result throttled = cli(sandbox, filter);
        Shell.Result served = cli(sandbox, filter);

        assertThat(throttled.exitCode()).isNotZero();
        assertThat(throttled.err()).contains("ThrottlingException");
        assertThat(served.exitCode()).as(served.toString()).isZero();
        assertThat(served.out().strip()).isEqualTo("17");
    }
}
