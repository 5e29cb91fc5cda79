package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SandboxOperator;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Run history and handoff between two operators, as two machines would have them: two OPS_HOMEs,
 * two IAM users of the sandbox's moto ({@code Sandbox.operator}), one environment with a
 * {@code registry:} section (a table with the control plane's schema and a journal bucket of this
 * test's own, so that other tests' runs in the sandbox's table do not mix in). The first operator's run is a
 * real process, held inside a step and killed with SIGKILL; the second sees it, sees it go stale,
 * resumes it from the registry's copy of its journal and finishes it. Checked with the AWS SDK and
 * the aws CLI.
 */
@ExtendWith(SandboxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RunHistoryTest {
    /** The runs' heartbeat here: a killed run is stale after two of them. */
    private static final String HEARTBEAT = "1s";

    @TempDir
    static Path tmp;

    static SandboxInfo info;
    static String table;
    static String bucket;
    static Path env;
    static Path probe;
    static Operator alice;
    static Operator bob;

    record Operator(String arn, String keyId, String secret, Cli cli) {
        Map<String, String> variables() {
            return Map.of("AWS_ACCESS_KEY_ID", keyId, "AWS_SECRET_ACCESS_KEY", secret, "OPS_RUN_HEARTBEAT", HEARTBEAT);
        }

        /** Runs {@code ops args} in this JVM with this operator's credentials (the SDK reads them from system properties first). */
        Cli.Result run(String... args) {
            return as(() -> cli.run(args));
        }

        <T> T as(Supplier<T> call) {
            String[] keys = {"aws.accessKeyId", "aws.secretAccessKey", "ops.run.heartbeat"};
            String[] was = new String[keys.length];
            for (int i = 0; i < keys.length; i++) was[i] = System.getProperty(keys[i]);
            System.setProperty(keys[0], keyId);
            System.setProperty(keys[1], secret);
            System.setProperty(keys[2], HEARTBEAT);
            try {
                return call.get();
            } finally {
                for (int i = 0; i < keys.length; i++) {
                    if (was[i] == null) System.clearProperty(keys[i]);
                    else System.setProperty(keys[i], was[i]);
                }
            }
        }
    }

    @BeforeAll
    static void controlPlane(SandboxInfo sandbox, Sandbox control) throws IOException {
        info = sandbox;
        String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
        table = "runs-test-" + suffix;
        bucket = "runs-test-" + suffix;
        createTable(table);
        try (S3Client s3 = s3()) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        probe = Files.createDirectories(tmp.resolve("probe"));
        env = writeEnvironment("runs-test.yaml", table);
        alice = operator(control, "runs-alice", tmp.resolve("alice"));
        bob = operator(control, "runs-bob", tmp.resolve("bob"));
    }

    @org.junit.jupiter.api.BeforeEach
    void noBlock() throws IOException {
        removeBlock();
    }

    @AfterAll
    static void removeBlock() throws IOException {
        Files.deleteIfExists(probe.resolve("block"));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runs_whenTheFirstOperatorsRunIsKilled_showItLiveThenStaleAndTheSecondOperatorResumesItOnceFromTheRegistry() throws Exception {
        Path block = Files.writeString(probe.resolve("block"), "");
        Path marker = probe.resolve("resume-marker");
        Files.deleteIfExists(marker);
        List<String> before = journals(alice.cli().home());
        Process first = alice.cli().start(alice.variables(), "run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(),
                "-p", "label=a");
        Process resumed = null;
        try {
            Cli.awaitLines(marker, 2, first); // step 1 done, step 2 appended and held
            List<String> started = journals(alice.cli().home());
            started.removeAll(before);
            assertThat(started).hasSize(1);
            String runId = started.get(0);

            // on the second operator's machine: the first operator's run, going on, in its second step
            JsonNode live = await(() -> findRun(bob.run("runs", "--env", env.toString(), "-o", "json"), runId),
                    r -> r != null && "2. Blocking append".equals(r.path("step").asText()), Duration.ofSeconds(20));
            assertThat(live.get("operator").asText()).isEqualTo(alice.arn());
            assertThat(live.get("state").asText()).isEqualTo("running");
            assertThat(live.get("stale").asBoolean()).isFalse();
            assertThat(live.get("runbook").asText()).isEqualTo("resume");
            assertThat(findRun(bob.run("runs", "--env", env.toString(), "--active", "-o", "json"), runId)).isNotNull();
            Cli.Result table = bob.run("runs", "--env", env.toString());
            assertThat(table.out()).contains(runId, "user/" + alice.arn().substring(alice.arn().lastIndexOf('/') + 1), "running",
                    "2. Blocking append");

            assertThat(bob.cli().home().resolve("runs").resolve(runId + ".jsonl")).doesNotExist();
            // a run going on elsewhere is not taken over
            Cli.Result early = bob.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);
            assertThat(early.exitCode()).as(early.all()).isEqualTo(3);
            assertThat(early.err()).contains("run " + runId + " is in progress right now", alice.arn());

            first.destroyForcibly(); // SIGKILL: no end in the journal, no last write
            assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
            JsonNode stale = await(() -> findRun(bob.run("runs", "--env", env.toString(), "-o", "json"), runId),
                    r -> r != null && r.path("stale").asBoolean(), Duration.ofSeconds(20));
            assertThat(stale.get("shown").asText()).startsWith("stale (no heartbeat since ");
            assertThat(stale.get("state").asText()).isEqualTo("running");
            assertThat(findRun(bob.run("runs", "--env", env.toString(), "--active", "-o", "json"), runId)).isNull();
            assertThat(bob.run("runs", "--env", env.toString()).out()).contains("stale (no heartbeat since");

            // the journal is in the registry's bucket, as the aws CLI sees it
            assertThat(aws("s3", "ls", "s3://" + bucket + "/journals/")).contains(runId + ".jsonl");
            String shared = aws("s3", "cp", "s3://" + bucket + "/journals/" + runId + ".jsonl", "-");
            assertThat(shared).contains("\"event\":\"run-started\"", "\"identity\":\"" + alice.arn() + "\"",
                    "\"event\":\"step-started\",\"runId\":\"" + runId + "\",\"step\":2");

            // the dead run still holds its target's lease (for up to a minute): the second operator breaks it
            Cli.Result broken = bob.run("leases", "break", "test:file " + marker, "--env", env.toString(), "--yes");
            assertThat(broken.exitCode()).as(broken.all()).isZero();
            // the second operator resumes it from its own OPS_HOME; the step it died in runs again and is held
            resumed = bob.cli().start(bob.variables(), "run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(),
                    "--resume", runId);
            Cli.awaitLines(marker, 3, resumed);

            // a second resume at the same time, from another machine, is refused; so is one from the first machine
            Operator carol = new Operator(alice.arn(), alice.keyId(), alice.secret(), new Cli(Files.createDirectories(tmp.resolve("carol")),
                    Cli.projectRoot()));
            Cli.Result second = carol.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);
            assertThat(second.exitCode()).as(second.all()).isEqualTo(3);
            assertThat(second.err()).contains("run " + runId + " is being resumed right now", bob.arn());
            Cli.Result fromOrigin = alice.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);
            assertThat(fromOrigin.exitCode()).as(fromOrigin.all()).isEqualTo(3);

            Files.delete(block);
            assertThat(resumed.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Cli.Result done = bob.cli().finish(resumed);
            assertThat(done.exitCode()).as(done.all()).isZero();
            assertThat(done.out()).contains("1. First append  [action: skipped");
            assertThat(Files.readAllLines(marker)).containsExactly("first a", "second a", "second a");
            String successor = done.out().replaceFirst("(?s).*Run (\\S+) finished ok.*", "$1");

            // the registry's records, read with the SDK: the old run interrupted and claimed, the new one ok, by the second operator
            Map<String, AttributeValue> oldItem = item(runId);
            assertThat(oldItem.get("state").s()).isEqualTo("interrupted");
            assertThat(oldItem.get("resumedBy").s()).isEqualTo(successor);
            assertThat(oldItem.get("resumedByOperator").s()).isEqualTo(bob.arn());
            Map<String, AttributeValue> newItem = item(successor);
            assertThat(newItem.get("state").s()).isEqualTo("ok");
            assertThat(newItem.get("exitCode").n()).isEqualTo("0");
            assertThat(newItem.get("operator").s()).isEqualTo(bob.arn());
            assertThat(newItem.get("resumedFrom").s()).isEqualTo(runId);
            assertThat(newItem.get("kind").s()).isEqualTo("run");
            assertThat(Long.parseLong(newItem.get("ttl").n())).isBetween(Instant.now().plus(Duration.ofDays(89)).getEpochSecond(),
                    Instant.now().plus(Duration.ofDays(91)).getEpochSecond());

            // both operators are in the journals: the new run's start names the old one's, the old journal names the resumer
            String successorJournal = aws("s3", "cp", "s3://" + bucket + "/journals/" + successor + ".jsonl", "-");
            JsonNode start = Json.mapper().readTree(successorJournal.lines().findFirst().orElseThrow());
            assertThat(start.get("identity").asText()).isEqualTo(bob.arn());
            assertThat(start.get("resumedFromOperator").asText()).isEqualTo(alice.arn());
            assertThat(start.get("resumedFrom").asText()).isEqualTo(runId);
            assertThat(successorJournal).contains("\"event\":\"run-finished\"", "\"outcome\":\"ok\"");
            assertThat(aws("s3", "cp", "s3://" + bucket + "/journals/" + runId + ".jsonl", "-"))
                    .contains("\"event\":\"resumed-by\"", "\"resumedBy\":\"" + successor + "\"", "\"identity\":\"" + bob.arn() + "\"");

            // the first machine shows the resumed run's steps from the registry's copy of its journal
            Cli.Result show = alice.run("runs", "show", successor, "--env", env.toString(), "-o", "json");
            assertThat(show.exitCode()).as(show.all()).isZero();
            JsonNode shown = Json.mapper().readTree(show.out());
            assertThat(shown.get("steps")).extracting(s -> s.get("title").asText() + " " + s.get("outcome").asText())
                    .containsExactly("First append skipped", "Blocking append ok", "Count the lines ok");
            assertThat(shown.get("operators")).extracting(o -> o.get("operator").asText()).containsExactly(bob.arn(), alice.arn());
            Cli.Result showOld = alice.run("runs", "show", runId, "--env", env.toString());
            assertThat(showOld.out()).contains("interrupted, resumed by " + successor, "started (no end)");

            // once the resume ended, resuming the old run again is bad input that names the newer run
            Cli.Result again = carol.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);
            assertThat(again.exitCode()).as(again.all()).isEqualTo(2);
            assertThat(again.err()).contains("was resumed already, by run " + successor);
        } finally {
            Files.deleteIfExists(block); // a run of another test must not wait on it
            first.destroyForcibly();
            if (resumed != null) resumed.destroyForcibly();
        }
    }

    @Test
    void runs_whenFilteredBySinceOrActive_showOnlyTheirRunsOfThisEnvironmentAndAnUnknownIdIsBadInput() throws Exception {
        String old = "20200101-000000-0ld1";
        String other = "20200101-000000-0th1";
        try (DynamoDbClient dynamo = dynamo()) {
            dynamo.putItem(b -> b.tableName(table).item(runItem(old, "runs-test", Instant.now().minus(Duration.ofHours(3)), "ok")));
            dynamo.putItem(b -> b.tableName(table).item(runItem(other, "elsewhere", Instant.now().minus(Duration.ofMinutes(1)), "running")));
        }
        Cli.Result recent = alice.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "-p", "label=r");
        assertThat(recent.exitCode()).as(recent.all()).isZero();
        String recentId = recent.out().replaceFirst("(?s).*Run (\\S+) finished ok.*", "$1");

        List<String> all = ids(bob.run("runs", "--env", env.toString(), "-o", "json"));
        List<String> lastHour = ids(bob.run("runs", "--env", env.toString(), "--since", "1h", "-o", "json"));
        List<String> active = ids(bob.run("runs", "--env", env.toString(), "--active", "-o", "json"));

        assertThat(all).contains(recentId, old).doesNotContain(other);
        assertThat(all.indexOf(recentId)).as("newest first").isLessThan(all.indexOf(old));
        assertThat(lastHour).contains(recentId).doesNotContain(old, other);
        assertThat(active).doesNotContain(recentId, old, other);

        Cli.Result unknown = bob.run("runs", "show", "20200101-000000-none", "--env", env.toString());
        assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(2);
        assertThat(unknown.err()).contains("No run 20200101-000000-none in runs-test");
        Cli.Result hostile = bob.run("runs", "show", "../../etc/passwd", "--env", env.toString());
        assertThat(hostile.exitCode()).as(hostile.all()).isEqualTo(2);
        Cli.Result badSince = bob.run("runs", "--env", env.toString(), "--since", "soon");
        assertThat(badSince.exitCode()).as(badSince.all()).isEqualTo(2);
    }

    @Test
    void run_whenTheRegistryCannotBeWritten_finishesSaysSoOnceKeepsTheJournalAndTheNextCommandSendsIt() throws Exception {
        String missing = table + "-later";
        Path unreachable = writeEnvironment("runs-later.yaml", missing);
        Cli.Result r = alice.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", unreachable.toString(), "-p", "label=u");

        assertThat(r.exitCode()).as(r.all()).isZero();
        String runId = r.out().replaceFirst("(?s).*Run (\\S+) finished ok.*", "$1");
        assertThat(r.err().split("could not be written: ", -1)).as(r.err()).hasSize(2);
        assertThat(r.err()).contains("the end of run " + runId + " could not be written to the registry");
        assertThat(alice.cli().home().resolve("runs").resolve(runId + ".jsonl")).exists();
        assertThat(alice.cli().home().resolve("runs").resolve(runId + ".unsent")).exists();

        createTable(missing);
        Cli.Result listed = alice.run("runs", "--env", unreachable.toString(), "-o", "json");

        assertThat(listed.exitCode()).as(listed.all()).isZero();
        assertThat(listed.err()).contains("run " + runId + ", whose end had not reached the registry, is recorded there now");
        JsonNode run = findRun(listed, runId);
        assertThat(run).isNotNull();
        assertThat(run.get("state").asText()).isEqualTo("ok");
        assertThat(run.get("step").asText()).isEqualTo("3. Count the lines");
        assertThat(aws("s3", "ls", "s3://" + bucket + "/journals/")).contains(runId + ".jsonl");
        assertThat(alice.cli().home().resolve("runs").resolve(runId + ".unsent")).doesNotExist();
    }

    // --- the control plane, the operators and the independent checks ---

    private static Path writeEnvironment(String file, String tableName) throws IOException {
        return Files.writeString(tmp.resolve(file), "name: runs-test\n"
                + "aws:\n  region: " + info.region() + "\n  endpoint: " + info.awsEndpoint() + "\n"
                + "registry:\n  table: " + tableName + "\n  journalBucket: " + bucket + "\n  journalPrefix: journals/\n"
                + "logs:\n  probe: " + probe + "\n", StandardCharsets.UTF_8);
    }

    /** A table with the control plane's schema (deploy/control-plane.yaml): pk/sk, GSI by-kind on kind/at. */
    private static void createTable(String name) {
        try (DynamoDbClient dynamo = dynamo()) {
            dynamo.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("sk").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("kind").attributeType(ScalarAttributeType.S),
                            a -> a.attributeName("at").attributeType(ScalarAttributeType.S))
                    .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
                    .globalSecondaryIndexes(g -> g.indexName("by-kind")
                            .keySchema(k -> k.attributeName("kind").keyType(KeyType.HASH), k -> k.attributeName("at").keyType(KeyType.RANGE))
                            .projection(p -> p.projectionType(ProjectionType.ALL))));
            dynamo.updateTimeToLive(b -> b.tableName(name).timeToLiveSpecification(t -> t.attributeName("ttl").enabled(true)));
        }
    }

    /** A distinct IAM user of the sandbox (setup's helper), with its own OPS_HOME: a second machine. */
    private static Operator operator(Sandbox sandbox, String user, Path home) throws IOException {
        SandboxOperator op = sandbox.operator(user);
        return new Operator(op.arn(), op.accessKeyId(), op.secretAccessKey(), new Cli(Files.createDirectories(home), Cli.projectRoot()));
    }

    private static Map<String, AttributeValue> runItem(String runId, String environment, Instant started, String state) {
        return Map.of("pk", AttributeValue.fromS("run#" + runId), "sk", AttributeValue.fromS("run"),
                "kind", AttributeValue.fromS("run"), "at", AttributeValue.fromS(io.discordination.ops.registry.RunRecord.sortable(started)),
                "env", AttributeValue.fromS(environment), "runbook", AttributeValue.fromS("resume"),
                "operator", AttributeValue.fromS("arn:aws:iam::123456789012:user/carol"), "host", AttributeValue.fromS("elsewhere"),
                "state", AttributeValue.fromS(state), "heartbeat", AttributeValue.fromN(Long.toString(started.toEpochMilli())));
    }

    private static Map<String, AttributeValue> item(String runId) {
        try (DynamoDbClient dynamo = dynamo()) {
            return dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("run#" + runId), "sk", AttributeValue.fromS("run")))).item();
        }
    }

    private static StaticCredentialsProvider sandboxCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(info.accessKeyId(), info.secretAccessKey()));
    }

    private static DynamoDbClient dynamo() {
        return DynamoDbClient.builder().region(Region.of(info.region())).endpointOverride(URI.create(info.awsEndpoint()))
                .credentialsProvider(sandboxCredentials()).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private static S3Client s3() {
        return S3Client.builder().region(Region.of(info.region())).endpointOverride(URI.create(info.awsEndpoint()))
                .forcePathStyle(true).credentialsProvider(sandboxCredentials()).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** The aws CLI against the sandbox's moto: what an operator would type to check. */
    private static String aws(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", info.awsEndpoint(), "--region", info.region()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("AWS_ACCESS_KEY_ID", info.accessKeyId());
        pb.environment().put("AWS_SECRET_ACCESS_KEY", info.secretAccessKey());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static JsonNode findRun(Cli.Result listed, String runId) {
        assertThat(listed.exitCode()).as(listed.all()).isZero();
        try {
            for (JsonNode r : Json.mapper().readTree(listed.out())) if (runId.equals(r.path("runId").asText())) return r;
        } catch (IOException e) {
            throw new AssertionError(listed.all(), e);
        }
        return null;
    }

    private static List<String> ids(Cli.Result listed) throws IOException {
        assertThat(listed.exitCode()).as(listed.all()).isZero();
        List<String> ids = new ArrayList<>();
        for (JsonNode r : Json.mapper().readTree(listed.out())) ids.add(r.get("runId").asText());
        return ids;
    }

    private static List<String> journals(Path home) throws IOException {
        if (!Files.isDirectory(home.resolve("runs"))) return new ArrayList<>();
        try (var files = Files.list(home.resolve("runs"))) {
            return new ArrayList<>(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jsonl"))
                    .map(f -> f.replace(".jsonl", "")).toList());
        }
    }

    private static <T> T await(Supplier<T> read, java.util.function.Predicate<T> until, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        T last = read.get();
        while (!until.test(last)) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("not reached in " + timeout + "; last: " + last);
            Thread.sleep(250);
            last = read.get();
        }
        return last;
    }
}
