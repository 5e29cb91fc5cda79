package io.discordination.ops.cli;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import io.livekit.server.RoomServiceClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whoever can write a log line or name a room writes into the operator's terminal: such text is
 * seeded into the sandbox with clients of the test's own, then a plan of the project's runbooks
 * runs as a process. Its output holds no raw control character, no line the attacker faked, and it
 * comes in seconds however long and repetitive the text (a 256 KB CloudWatch event is allowed).
 */
@ExtendWith(SandboxExtension.class)
class HostileRemoteTextTest {
    /** The slow redaction took minutes on this line; every step of the fixed plan, seconds. */
    private static final Duration PLAN_BOUND = Duration.ofSeconds(90);
    private static final String FAKE = "FAKE-LINE all checks passed";

    static SandboxInfo sandbox;

    @TempDir
    Path home;

    @BeforeAll
    static void sandbox(SandboxInfo info) {
        sandbox = info;
    }

    private Cli.Result planAsProcess(String runbook) throws IOException, InterruptedException {
        Cli cli = new Cli(home, Cli.projectRoot());
        long start = System.nanoTime();
        Process p = cli.start("plan", runbook, "--env", sandbox.environmentFile().toString());
        p.getOutputStream().close();
        boolean finished = p.waitFor(PLAN_BOUND.toSeconds(), TimeUnit.SECONDS);
        if (!finished) p.destroyForcibly().waitFor();
        assertThat(finished).as("ops plan %s finished within %s (took %s s so far)", runbook, PLAN_BOUND,
                (System.nanoTime() - start) / 1_000_000_000).isTrue();
        return cli.finish(p);
    }

    private static void assertNoRawControlCharacters(String output) {
        assertThat(output.chars().filter(c -> c < 0x20 && c != '\n' && c != '\t' || c >= 0x7f && c <= 0x9f).count())
                .as("raw control characters in the output").isZero();
        assertThat(output.lines()).noneMatch(l -> l.startsWith(FAKE) || l.startsWith("   " + FAKE));
    }

    @Test
    void plan_whenApiLogLinesAreHostile_printsThemEscapedAndInSeconds() throws Exception {
        String stream = "hostile/" + System.nanoTime();
        String longLine = "[info] GET /api/v9/" + "a.".repeat(40_000);
        String hiding = "[error] db down\u001b[2K\r[info] all good\n" + FAKE + "\u009b2J\u202e";
        try (CloudWatchLogsClient logs = CloudWatchLogsClient.builder().endpointOverride(URI.create(sandbox.awsEndpoint()))
                .region(Region.of(sandbox.region())).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(sandbox.accessKeyId(), sandbox.secretAccessKey())))
                .build()) {
            logs.createLogStream(r -> r.logGroupName(SeedData.LOG_GROUP_API).logStreamName(stream));
            long now = Instant.now().toEpochMilli();
            logs.putLogEvents(r -> r.logGroupName(SeedData.LOG_GROUP_API).logStreamName(stream).logEvents(
                    InputLogEvent.builder().timestamp(now - 1).message(longLine).build(),
                    InputLogEvent.builder().timestamp(now).message(hiding).build()));
        }

        Cli.Result r = planAsProcess("api-not-responding");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("2. Check recent logs", "GET /api/v9/a.a.a.",
                "[error] db down\\u001b[2K\\r[info] all good\\n" + FAKE + "\\u009b2J\\u202e");
        assertNoRawControlCharacters(r.all());
    }

    @Test
    void plan_whenARoomNameIsHugeAndHostile_printsItEscapedAndInSeconds() throws Exception {
        String room = "voice:" + "a.".repeat(20_000) + "\u001b[2K\r\n" + FAKE;
        RoomServiceClient rooms = RoomServiceClient.createClient(sandbox.livekitUrl(), sandbox.lkKey(), sandbox.lkSecret());
        assertThat(rooms.createRoom(room).execute().isSuccessful()).isTrue();
        try {
            Cli.Result r = planAsProcess("livekit-health");

            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("2. List active rooms", "voice:a.a.a.", "\\u001b[2K\\r\\n" + FAKE);
            assertNoRawControlCharacters(r.all());
        } finally {
            rooms.deleteRoom(room).execute();
        }
    }
}
