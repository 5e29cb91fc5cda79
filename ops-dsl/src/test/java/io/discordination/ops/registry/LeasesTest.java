package io.discordination.ops.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.runbook.RunReport;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookLoader;
import io.discordination.ops.runbook.RunbookRunner;
import io.discordination.ops.runbook.ScriptCache;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SandboxOperator;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Leases on the registry table of the sandbox (moto): runs of one or two operators (their own
 * OPS_HOME and IAM user) on one target never overlap, a killed holder's lease expires and the next
 * run takes it over with a higher token, a write with the stale token is refused by DynamoDB, and a
 * broken lease stops its run's next effect. The probe's files, the audit logs and the lease items
 * (read with the SDK) are the independent checks.
 */
@ExtendWith(SandboxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LeasesTest {
    private static final String ENV = "leases-test";

    @TempDir
    static Path tmp;

    private static ControlPlaneFixture plane;
    private static SandboxOperator alice;
    private static SandboxOperator bob;
    private static Path probe;
    private static Path aliceEnv;
    private static Path bobEnv;

    @BeforeAll
    static void controlPlane(Sandbox sandbox) throws Exception {
        plane = new ControlPlaneFixture(sandbox);
        alice = plane.operator("leases-alice");
        bob = plane.operator("leases-bob");
        probe = tmp.resolve("probe");
        aliceEnv = plane.environmentFile(tmp.resolve("env"), ENV, alice, probe);
        bobEnv = plane.environmentFile(tmp.resolve("env"), ENV, bob, probe);
    }

    private static Cli cli(String home) throws Exception {
        return new Cli(Files.createDirectories(tmp.resolve(home)), Cli.projectRoot());
    }

    private static String target(String marker) {
        return "test:file " + probe.resolve(marker);
    }

    @Test
    void twoOperators_rotatingOneSecretAtOnce_theSecondIsRefusedNamingTheFirst_andWithWaitStartsAfterIt(SandboxInfo sandbox)
            throws Exception {
        Cli aliceCli = cli("rotate-alice");
        Cli bobCli = cli("rotate-bob");
        String target = "secret:discordination/jwt-secret";
        long before = plane.leaseItem(ENV, target).map(i -> ControlPlaneFixture.number(i, "token")).orElse(0L);
        Instant start = Instant.now().minusSeconds(1);
        // the sandbox's ECS agent paused: alice's run holds its leases in its first redeployment until it is resumed
        agent(sandbox, "pause");
        Process first = null;
        ExecutorService waiting = Executors.newSingleThreadExecutor();
        Cli.Result plan;
        Cli.Result refused;
        Cli.Result waited;
        Cli.Result alicesRun;
        String aliceRun;
        try {
            first = aliceCli.start("run", "rotate-secrets", "--env", aliceEnv.toString(), "-p", "secret=jwt", "--yes");
            aliceRun = ControlPlaneFixture.text(awaitHeld(target, before, first), "runId");
            plan = bobCli.run("plan", "rotate-secrets", "--env", bobEnv.toString(), "-p", "secret=jwt");
            refused = bobCli.run("run", "rotate-secrets", "--env", bobEnv.toString(), "-p", "secret=jwt", "--yes");
            Future<Cli.Result> bobWaits = waiting.submit(() ->
                    bobCli.run("run", "rotate-secrets", "--env", bobEnv.toString(), "-p", "secret=jwt", "--yes", "--wait", "2m"));
            // alice goes on: bob's run reaches the secret's lease (two checks) long before her two redeployments end
            agent(sandbox, "resume");
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
            alicesRun = aliceCli.finish(first);
            waited = bobWaits.get(90, TimeUnit.SECONDS);
        } finally {
            agent(sandbox, "resume");
            if (first != null) first.destroyForcibly();
            waiting.shutdownNow();
        }

        assertThat(alicesRun.exitCode()).as(alicesRun.all()).isZero();
        String holder = target + " is held by " + alice.arn() + " since ";
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("Held now: " + target + " by " + alice.arn() + " since ", "run " + aliceRun + ")");
        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(3);
        assertThat(refused.err()).contains(holder, "(runbook rotate-secrets on host ", "run " + aliceRun + ")",
                "two runs never change one target at once");
        assertThat(waited.exitCode()).as(waited.all()).isZero();
        assertThat(waited.err()).contains("ops: waiting for " + target + ", held by " + alice.arn() + " since ",
                "ops: " + target + " is free after ");

        // bob's rotation started after alice's run ended: her last audit record is before his first start
        List<JsonNode> alices = audit(aliceCli.home());
        Instant aliceEnded = Instant.parse(alices.get(alices.size() - 1).get("time").asText());
        List<JsonNode> bobs = audit(bobCli.home());
        assertThat(bobs).extracting(a -> a.get("event").asText() + " " + a.get("effect").get("verb").asText())
                .startsWith("refused rotate-secret", "started rotate-secret");
        assertThat(Instant.parse(bobs.get(1).get("time").asText())).isAfter(aliceEnded);
        assertThat(bobs.get(1).get("operator").get("aws").asText()).isEqualTo(bob.arn());
        // two rotations, one per operator, read with the SDK
        try (var secrets = plane.client(software.amazon.awssdk.services.secretsmanager.SecretsManagerClient.builder(),
                sandbox.accessKeyId(), sandbox.secretAccessKey())) {
            long rotations = secrets.listSecretVersionIds(b -> b.secretId("discordination/jwt-secret").includeDeprecated(true))
                    .versions().stream().filter(v -> v.createdDate() != null && v.createdDate().isAfter(start)).count();
            assertThat(rotations).isEqualTo(2);
        }
        assertThat(ControlPlaneFixture.number(plane.leaseItem(ENV, target).orElseThrow(), "token")).isEqualTo(before + 2);
    }

    /** {@code POST /sandbox/ecs/pause|resume} of the sandbox's agent: ECS replaces no tasks while paused. */
    private static void agent(SandboxInfo sandbox, String what) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(sandbox.livekitUrl() + "/sandbox/ecs/" + what))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void killedHolder_whenItsLeaseExpires_theResumedRunTakesItOverWithAHigherToken_andTheStaleTokenCannotWrite() throws Exception {
        Cli aliceCli = cli("kill-alice");
        Files.writeString(probe.resolve("block"), "");
        String target = target("lock-marker");
        long before = plane.leaseItem(ENV, target).map(i -> ControlPlaneFixture.number(i, "token")).orElse(0L);
        Process holder = aliceCli.start(List.of("-D" + RunLeases.EXPIRY_PROPERTY + "=6s"),
                "run", Cli.testRunbook("hold.jsh").toString(), "--env", aliceEnv.toString(), "-p", "label=a");
        Map<String, AttributeValue> held;
        try {
            // killed inside its effect, holding the lease
            held = awaitInsideItsEffect(target, before, holder, probe);
        } finally {
            holder.destroyForcibly(); // kill -9
        }
        holder.waitFor(10, TimeUnit.SECONDS);
        // free the probe's effect: a resume that were let through would finish instead of hanging there
        Files.delete(probe.resolve("block"));
        String killedRun = ControlPlaneFixture.text(held, "runId");
        long killedToken = ControlPlaneFixture.number(held, "token");
        assertThat(killedToken).isEqualTo(before + 1);
        assertThat(ControlPlaneFixture.text(held, "holder")).isEqualTo(alice.arn());

        // at once: the dead run's lease has not expired yet, so its resume is refused, naming it
        Cli.Result early = aliceCli.run("run", Cli.testRunbook("hold.jsh").toString(), "--env", aliceEnv.toString(), "--resume", killedRun);
        assertThat(early.exitCode()).as(early.all()).isEqualTo(3);
        assertThat(early.err()).contains(target + " is held by " + alice.arn() + " since ", "(runbook hold on host ",
                "run " + killedRun + ")", "unless that run renews it");

        long expiresAt = ControlPlaneFixture.number(held, "expiresAt");
        while (System.currentTimeMillis() <= expiresAt + 50) Thread.sleep(100);
        // the refused resume is the newest run of the chain now (a run is resumed once): it is the one to resume
        String refusedRun = Path.of(early.out().replaceFirst("(?s).*Journal: (\\S+).*", "$1")).getFileName().toString().replace(".jsonl", "");
        Cli.Result resumed = aliceCli.run("run", Cli.testRunbook("hold.jsh").toString(), "--env", aliceEnv.toString(), "--resume", refusedRun);

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        Map<String, AttributeValue> now = plane.leaseItem(ENV, target).orElseThrow();
        assertThat(ControlPlaneFixture.number(now, "token")).isEqualTo(killedToken + 1);
        assertThat(ControlPlaneFixture.text(now, "runId")).isNotEqualTo(killedRun);
        assertThat(ControlPlaneFixture.number(now, "expiresAt")).as("released at the run's end, item kept").isZero();
        assertThat(Files.readAllLines(probe.resolve("lock-marker"))).as(resumed.all()).containsExactly("a", "a");

        // a registry write fenced with the killed run's token is refused by DynamoDB; with the new one it goes through
        Lease stale = new Lease(target, ENV, alice.arn(), "h", killedRun, "hold", Instant.now(), 0, killedToken, 0);
        Lease current = new Lease(target, ENV, alice.arn(), "h", ControlPlaneFixture.text(now, "runId"), "hold", Instant.now(), 0,
                killedToken + 1, 0);
        assertThatThrownBy(() -> fencedPut(stale, "fenced#stale")).isInstanceOf(TransactionCanceledException.class)
                .satisfies(e -> assertThat(((TransactionCanceledException) e).cancellationReasons().get(0).code())
                        .isEqualTo("ConditionalCheckFailed"));
        assertThat(plane.dynamo.getItem(b -> b.tableName(ControlPlaneFixture.TABLE)
                .key(Map.of("pk", AttributeValue.fromS("fenced#stale"), "sk", AttributeValue.fromS("x")))).hasItem()
                && !plane.dynamo.getItem(b -> b.tableName(ControlPlaneFixture.TABLE)
                .key(Map.of("pk", AttributeValue.fromS("fenced#stale"), "sk", AttributeValue.fromS("x")))).item().isEmpty())
                .as("the stale write left nothing").isFalse();
        fencedPut(current, "fenced#current");
        assertThat(plane.dynamo.getItem(b -> b.tableName(ControlPlaneFixture.TABLE)
                .key(Map.of("pk", AttributeValue.fromS("fenced#current"), "sk", AttributeValue.fromS("x")))).item()).isNotEmpty();
    }

    @Test
    void terminatedHolder_releasesItsLeaseOnTheWayOut_andTheNextRunTakesItAtOnce() throws Exception {
        // a probe of its own: the lines and the lease of the killed-holder test stay that test's
        Path ownProbe = tmp.resolve("probe-term");
        Path env = plane.environmentFile(tmp.resolve("env-term"), ENV, alice, ownProbe);
        Cli aliceCli = cli("term-alice");
        Files.writeString(ownProbe.resolve("block"), "");
        String target = "test:file " + ownProbe.resolve("lock-marker");
        long before = plane.leaseItem(ENV, target).map(i -> ControlPlaneFixture.number(i, "token")).orElse(0L);
        // the default expiry (a minute): a lease left behind would refuse the next run below
        Process holder = aliceCli.start("run", Cli.testRunbook("hold.jsh").toString(), "--env", env.toString(), "-p", "label=t");
        Map<String, AttributeValue> held;
        try {
            held = awaitInsideItsEffect(target, before, holder, ownProbe);
        } finally {
            holder.destroy(); // SIGTERM, as kill does, or a terminal closed around it (SIGHUP)
        }
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).as("the run stops on SIGTERM").isTrue();
        Files.delete(ownProbe.resolve("block"));

        Map<String, AttributeValue> after = plane.leaseItem(ENV, target).orElseThrow();
        assertThat(ControlPlaneFixture.text(after, "runId")).isEqualTo(ControlPlaneFixture.text(held, "runId"));
        assertThat(ControlPlaneFixture.number(after, "expiresAt")).as("released on the way out, item kept").isZero();

        Cli.Result next = aliceCli.run("run", Cli.testRunbook("hold.jsh").toString(), "--env", env.toString(), "-p", "label=u");
        assertThat(next.exitCode()).as(next.all()).isZero();
        assertThat(ControlPlaneFixture.number(plane.leaseItem(ENV, target).orElseThrow(), "token")).isEqualTo(before + 2);
        assertThat(Files.readAllLines(ownProbe.resolve("lock-marker"))).containsExactly("t", "u");
    }

    /** A put of a test item fenced by {@code lease}, as a run's registry writes are ({@link DynamoLeases#conditionCheck}). */
    private static void fencedPut(Lease lease, String pk) {
        List<TransactWriteItem> items = new ArrayList<>(new DynamoLeases(() -> plane.dynamo, ControlPlaneFixture.TABLE, ENV)
                .fence(List.of(lease)).conditions());
        items.add(TransactWriteItem.builder().put(p -> p.tableName(ControlPlaneFixture.TABLE)
                .item(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS("x"), "kind", AttributeValue.fromS("test"),
                        "at", AttributeValue.fromS(Instant.now().toString())))).build());
        plane.dynamo.transactWriteItems(b -> b.transactItems(items));
    }

    /**
     * Waits until {@code holder} holds {@code target} and is inside its effect (hold.jsh has written its
     * line to {@code probeDir}'s lock-marker and waits there); returns the lease item.
     */
    private static Map<String, AttributeValue> awaitInsideItsEffect(String target, long tokenBefore, Process holder, Path probeDir)
            throws Exception {
        Map<String, AttributeValue> held = awaitHeld(target, tokenBefore, holder);
        Path marker = probeDir.resolve("lock-marker");
        while (!Files.exists(marker) || Files.readAllLines(marker).isEmpty()) {
            assertThat(holder.isAlive()).as("the holder ended early").isTrue();
            Thread.sleep(20);
        }
        return held;
    }

    /** Waits until a run other than the one before holds {@code target}: its lease item with a higher token, unexpired. */
    private static Map<String, AttributeValue> awaitHeld(String target, long tokenBefore, Process holder) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            var item = plane.leaseItem(ENV, target);
            if (item.isPresent() && ControlPlaneFixture.number(item.get(), "token") > tokenBefore
                    && ControlPlaneFixture.number(item.get(), "expiresAt") > System.currentTimeMillis()) {
                return item.get();
            }
            if (holder != null && !holder.isAlive()) throw new AssertionError("the holder ended early: exit " + holder.exitValue());
            Thread.sleep(50);
        }
        throw new AssertionError("no run took the lease of " + target + " within a minute");
    }

    @Test
    void brokenLease_theHoldersNextEffectIsRefused_andTheBreakIsConfirmedAndAudited() throws Exception {
        Runbook runbook = load("lease-pair.jsh");
        String target = target("pair-marker");
        Path gate = probe.resolve("broken.gate");
        Files.writeString(gate, "");
        Path home = Files.createDirectories(tmp.resolve("broken-holder"));
        System.setProperty(RunLeases.EXPIRY_PROPERTY, "1s");
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (OpsContext context = context(aliceEnv, home)) {
            System.clearProperty(RunLeases.EXPIRY_PROPERTY);
            long before = plane.leaseItem(ENV, target).map(i -> ControlPlaneFixture.number(i, "token")).orElse(0L);
            Future<RunReport> run = thread.submit(() -> new RunbookRunner(context, null).run(runbook, runbook.bind(Map.of("label", "broken")), null));
            Map<String, AttributeValue> held = awaitHeld(target, before, null);
            while (!"broken".equals(lastLabel())) Thread.sleep(20);
            Cli bobCli = cli("breaker");

            Cli.Result table = bobCli.run("leases", "--env", bobEnv.toString());
            Cli.Result json = bobCli.run("leases", "--env", bobEnv.toString(), "--output", "json");
            Cli.Result unknown = bobCli.run("leases", "break", "test:file /no/such/lease", "--env", bobEnv.toString(), "--yes");
            Cli.Result unconfirmed = bobCli.run("--no-input", "leases", "break", target, "--env", bobEnv.toString());
            Cli.Result broken = bobCli.run("leases", "break", target, "--env", bobEnv.toString(), "--yes");
            Thread.sleep(600); // the holder's heartbeat (a quarter of 1 s) finds its lease gone
            Files.delete(gate);
            RunReport report = run.get(60, TimeUnit.SECONDS);

            assertThat(table.exitCode()).as(table.all()).isZero();
            assertThat(table.out()).contains("TARGET", "EXPIRES").containsPattern("\\Q" + target + "\\E +held +\\Q" + alice.arn()
                    + "\\E +" + context.runId() + " +lease-pair ");
            JsonNode listed = null;
            for (JsonNode l : Json.mapper().readTree(json.out())) if (l.get("target").asText().equals(target)) listed = l;
            assertThat(listed).as(json.out()).isNotNull();
            assertThat(listed.get("state").asText()).isEqualTo("held");
            assertThat(listed.get("holder").asText()).isEqualTo(alice.arn());
            assertThat(listed.get("runId").asText()).isEqualTo(context.runId());
            assertThat(listed.get("token").asLong()).isEqualTo(ControlPlaneFixture.number(held, "token"));
            assertThat(listed.get("expires").asText()).startsWith("expires in ");
            assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(2);
            assertThat(unknown.err()).contains("No lease of test:file /no/such/lease in " + ENV);
            assertThat(unconfirmed.exitCode()).as(unconfirmed.all()).isEqualTo(3);
            assertThat(broken.exitCode()).as(broken.all()).isZero();
            assertThat(broken.out()).contains("held by " + alice.arn(), "Broken: run " + context.runId() + " no longer holds " + target);
            assertThat(report.exitCode()).as(String.valueOf(report.error())).isEqualTo(3);
            assertThat(report.error()).contains("this run lost its lease: the lease of " + target + " was taken over or broken");
            assertThat(Files.readAllLines(probe.resolve("pair-marker"))).endsWith("broken 1").doesNotContain("broken 2");
            Map<String, AttributeValue> after = plane.leaseItem(ENV, target).orElseThrow();
            assertThat(ControlPlaneFixture.number(after, "token")).isEqualTo(ControlPlaneFixture.number(held, "token") + 1);
            assertThat(ControlPlaneFixture.number(after, "expiresAt")).isZero();
            List<JsonNode> audit = audit(bobCli.home());
            assertThat(audit).extracting(a -> a.get("event").asText() + " " + a.get("effect").get("verb").asText())
                    .containsExactly("refused break-lease", "started break-lease", "ok break-lease");
        } finally {
            System.clearProperty(RunLeases.EXPIRY_PROPERTY);
            thread.shutdownNow();
        }
    }

    @Test
    void twentyConcurrentRuns_onOneTarget_neverOverlap_andEachTakesItOverWithTheNextToken() throws Exception {
        Runbook runbook = load("lease-pair.jsh");
        String target = target("pair-marker");
        long before = plane.leaseItem(ENV, target).map(i -> ControlPlaneFixture.number(i, "token")).orElse(0L);
        int runs = 20;
        List<String> waiting = Collections.synchronizedList(new ArrayList<>());
        List<Path> homes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        List<Future<RunReport>> reports = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                Path home = Files.createDirectories(tmp.resolve("many-" + i));
                homes.add(home);
                String label = "run" + i;
                Path env = i % 2 == 0 ? aliceEnv : bobEnv;
                reports.add(pool.submit(() -> {
                    try (OpsContext context = context(env, home)) {
                        context.leases().waitUpTo(Duration.ofSeconds(90), waiting::add);
                        return new RunbookRunner(context, null).run(runbook, runbook.bind(Map.of("label", label)), null);
                    }
                }));
            }
            for (Future<RunReport> f : reports) {
                RunReport r = f.get(120, TimeUnit.SECONDS);
                assertThat(r.ok()).as(String.valueOf(r.error())).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }

        // the file: each run's two lines next to each other
        List<String> lines = Files.readAllLines(probe.resolve("pair-marker"));
        List<String> mine = lines.stream().filter(l -> l.startsWith("run")).toList();
        assertThat(mine).hasSize(2 * runs);
        for (int k = 0; k < mine.size(); k += 2) {
            String label = mine.get(k).replace(" 1", "");
            assertThat(mine.get(k + 1)).as("line " + (k + 1) + " of " + mine).isEqualTo(label + " 2");
        }
        // the audit: each run's interval, first started to last ok, disjoint from every other's
        List<Instant[]> intervals = new ArrayList<>();
        for (Path home : homes) {
            List<JsonNode> audit = audit(home);
            assertThat(audit).extracting(a -> a.get("event").asText()).containsExactly("started", "ok", "started", "ok");
            intervals.add(new Instant[]{Instant.parse(audit.get(0).get("time").asText()), Instant.parse(audit.get(3).get("time").asText())});
        }
        intervals.sort(Comparator.comparing(i -> i[0]));
        for (int k = 1; k < intervals.size(); k++) {
            assertThat(intervals.get(k)[0]).as("run %d starts after run %d ended", k, k - 1).isAfter(intervals.get(k - 1)[1]);
        }
        assertThat(waiting).anySatisfy(l -> assertThat(l).startsWith("ops: waiting for " + target + ", held by arn:aws:iam::"));
        Map<String, AttributeValue> item = plane.leaseItem(ENV, target).orElseThrow();
        assertThat(ControlPlaneFixture.number(item, "token")).as("one takeover per run").isEqualTo(before + runs);
    }

    private static String lastLabel() throws Exception {
        Path marker = probe.resolve("pair-marker");
        if (!Files.exists(marker)) return "";
        List<String> lines = Files.readAllLines(marker);
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).replaceFirst(" \\d$", "");
    }

    private static OpsContext context(Path env, Path home) {
        return OpsContext.builder().environment(Environment.load(env, variable -> null)).opsHome(home)
                .confirmer(Confirmer.nonInteractive(true, null)).build();
    }

    private static Runbook load(String name) {
        try (RunbookLoader loader = new RunbookLoader(Cli.testRunbook(name).getParent(), ScriptCache.none())) {
            return loader.load(Cli.testRunbook(name));
        }
    }

    private static List<JsonNode> audit(Path home) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        Path file = home.resolve("audit").resolve(ENV + ".jsonl");
        if (!Files.exists(file)) return records;
        for (String line : Files.readAllLines(file)) records.add(Json.mapper().readTree(line));
        return records;
    }
}
