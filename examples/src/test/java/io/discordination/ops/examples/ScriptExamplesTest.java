package io.discordination.ops.examples;

import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import io.livekit.server.RoomServiceClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.Scope;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REPL walk-through and the Groovy runbook of examples/, run through the real {@code ops}
 * command line against the sandbox, checked with the LiveKit SDK, Lettuce and the AWS SDK.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class ScriptExamplesTest {
    private static final Path ROOT = Path.of(System.getProperty("ops.root"));
    private static final String RAIDED_ROOM = SeedData.VOICE_ROOMS.get(2);

    @TempDir
    Path home;

    record Result(int exitCode, String out, String err) {
    }

    private Result ops(SandboxInfo sandbox, Path stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dops.root=" + ROOT, "-Dops.home=" + home,
                "io.discordination.ops.cli.OpsCommand"));
        command.addAll(List.of(args));
        command.addAll(List.of("--env", sandbox.environmentFile().toString()));
        Path out = home.resolve("out.txt");
        Path err = home.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.redirectInput(stdin != null ? ProcessBuilder.Redirect.from(stdin.toFile()) : ProcessBuilder.Redirect.from(new File("/dev/null")));
        int code = pb.start().waitFor();
        return new Result(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<String> participants(SandboxInfo sandbox) throws Exception {
        RoomServiceClient livekit = RoomServiceClient.createClient(sandbox.livekitUrl(), sandbox.lkKey(), sandbox.lkSecret());
        List<LivekitModels.ParticipantInfo> body = livekit.listParticipants(RAIDED_ROOM).execute().body();
        return body == null ? List.of() : body.stream().map(LivekitModels.ParticipantInfo::getIdentity).toList();
    }

    private static long apiCacheKeys(SandboxInfo sandbox) {
        RedisClient client = RedisClient.create(sandbox.redisUrl());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            // SCAN may return a key twice while Redis resizes its table: count each once
            java.util.Set<String> seen = new java.util.HashSet<>();
            ScanIterator<String> keys = ScanIterator.scan(c.sync(), ScanArgs.Builder.matches("api:cache:*").limit(1000));
            while (keys.hasNext()) seen.add(keys.next());
            return seen.size();
        } finally {
            client.shutdown();
        }
    }

    private static List<String> blockedAddresses(SandboxInfo sandbox) {
        try (Wafv2Client waf = Wafv2Client.builder().endpointOverride(java.net.URI.create(sandbox.awsEndpoint()))
                .region(Region.of(sandbox.region())).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(sandbox.accessKeyId(), sandbox.secretAccessKey())))
                .build()) {
            return waf.getIPSet(r -> r.id(sandbox.ipSetId()).name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL)).ipSet().addresses();
        }
    }

    @Test
    void replWalkthrough_whenFedToReplInDryRun_printsEveryAnswerAndChangesNothing(SandboxInfo sandbox) throws Exception {
        long keysBefore = apiCacheKeys(sandbox);
        List<String> blockedBefore = blockedAddresses(sandbox);

        Result r = ops(sandbox, ROOT.resolve("examples/repl/walkthrough.jsh"), "repl", "--dry-run");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("discordination-prod", SeedData.DOMINANT_429_IP, "gateway", SeedData.DELETED_FILE_KEY,
                "delete-matching", "203.0.113.77/32");
        assertThat(r.out() + r.err()).doesNotContain("Exception", "cannot find symbol", sandbox.lkSecret(), sandbox.databasePassword());
        assertThat(apiCacheKeys(sandbox)).isEqualTo(keysBefore);
        assertThat(blockedAddresses(sandbox)).containsExactlyInAnyOrderElementsOf(blockedBefore);
    }

    @Test
    void drainVoiceRoom_whenPlannedThenRun_removesEveryoneOnlyWhenRun(SandboxInfo sandbox) throws Exception {
        Path runbook = ROOT.resolve("examples/runbooks/drain-voice-room.groovy");
        String channel = "channel=" + RAIDED_ROOM.substring("voice:".length());
        List<String> before = participants(sandbox);
        assertThat(before).isNotEmpty();

        Result plan = ops(sandbox, null, "plan", runbook.toString(), "--param", channel);
        assertThat(plan.exitCode()).as(plan.out() + plan.err()).isZero();
        assertThat(plan.out()).contains("Remove every participant", before.get(0));
        assertThat(participants(sandbox)).containsExactlyInAnyOrderElementsOf(before);

        Result refused = ops(sandbox, null, "run", runbook.toString(), "--param", channel);
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(3);
        assertThat(participants(sandbox)).containsExactlyInAnyOrderElementsOf(before);

        Result run = ops(sandbox, null, "run", runbook.toString(), "--param", channel, "--yes");
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("The room is empty");
        assertThat(participants(sandbox)).isEmpty();
    }
}
