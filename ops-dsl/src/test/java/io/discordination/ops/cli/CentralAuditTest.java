package io.discordination.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.CuttableProxy;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The central audit trail through the command line: a run during which CloudWatch Logs stops
 * answering (a proxy in front of the sandbox's moto that refuses it), with and without
 * {@code audit.requireCentral}; {@code ops audit} merging the central trail of two operators (two
 * OPS_HOMEs) with this machine's unshipped records, marked; and, once the trail is back, every
 * record in the log group exactly once, counted with the aws CLI.
 */
@ExtendWith(SandboxExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CentralAuditTest {
    /** PutLogEvents only: the trail cannot be written, but can still be read. */
    private static final Predicate<String> PUT_LOG_EVENTS = headers -> headers.contains("\nx-amz-target: logs_20140328.putlogevents");

    @TempDir
    Path tmp;

    private SandboxInfo info;
    private CuttableProxy proxy;
    private String group;
    private Path probe;

    @BeforeEach
    void open(SandboxInfo info) throws Exception {
        this.info = info;
        this.proxy = CuttableProxy.to(info.awsEndpoint());
        this.group = "/discordination/ops/audit-test/" + UUID.randomUUID();
        this.probe = Files.createDirectories(tmp.resolve("probe"));
        aws("logs", "create-log-group", "--log-group-name", group);
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    private Path environment(boolean requireCentral) throws IOException {
        return Files.writeString(tmp.resolve("team.yaml"), """
                name: team
                aws:
                  region: %s
                  endpoint: %s
                  accessKeyId: %s
                  secretAccessKey: %s
                logs:
                  probe: %s
                registry:
                  table: discordination-ops
                  auditLogGroup: %s
                audit:
                  requireCentral: %s
                """.formatted(info.region(), proxy.endpoint(), info.accessKeyId(), info.secretAccessKey(), probe, group,
                requireCentral), StandardCharsets.UTF_8);
    }

    private Cli operator(String name) throws IOException {
        return new Cli(Files.createDirectories(tmp.resolve(name)), Cli.projectRoot());
    }

    /**
     * Runs the audit-trail runbook; while it waits between its two changes (after the first is in
     * the central trail), the proxy refuses {@code cut}.
     */
    private Cli.Result runCutMidway(Cli cli, Path env, Predicate<String> cut) throws Exception {
        Files.writeString(probe.resolve("block"), "");
        CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() ->
                cli.run("run", Cli.testRunbook("audit-trail.jsh").toString(), "--env", env.toString(), "--yes"));
        Path spool = cli.home().resolve("audit").resolve("team.jsonl");
        Path position = cli.home().resolve("audit").resolve("team.shipped.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // the first change's two records are shipped: the position file has reached the spool's end
        while (!(Files.exists(position) && Files.exists(spool)
                && Json.mapper().readTree(position.toFile()).path("offset").asLong() == Files.size(spool)
                && Files.readAllLines(spool).size() == 2)) {
            assertThat(System.nanoTime()).as("the first change is shipped").isLessThan(deadline);
            assertThat(run).as("the run waits for the block file").isNotDone();
            Thread.sleep(20);
        }
        proxy.cut(cut);
        Files.delete(probe.resolve("block"));
        return run.get(90, TimeUnit.SECONDS);
    }

    private List<JsonNode> auditJson(Cli cli, Path env) throws IOException {
        Cli.Result r = cli.run("audit", "--env", env.toString(), "--output", "json");
        assertThat(r.exitCode()).as(r.all()).isZero();
        List<JsonNode> records = new ArrayList<>();
        Json.mapper().readTree(r.out()).forEach(records::add);
        return records;
    }

    /** The ids of every event in the group, read with the aws CLI. */
    private List<String> centralIds() throws IOException {
        JsonNode out = Json.mapper().readTree(aws("logs", "filter-log-events", "--log-group-name", group));
        List<String> ids = new ArrayList<>();
        for (JsonNode e : out.path("events")) ids.add(Json.mapper().readTree(e.path("message").asText()).path("id").asText(null));
        return ids;
    }

    private static List<String> ids(List<JsonNode> records) {
        return records.stream().map(r -> r.path("id").asText(null)).toList();
    }

    @Test
    void run_whenTheTrailStopsMidRunWithoutRequireCentral_goesOnWithTheSpoolSayingSoOnceAndTheNextCommandShipsIt() throws Exception {
        Path env = environment(false);
        Cli alice = operator("alice");

        Cli.Result run = runCutMidway(alice, env, CuttableProxy.CLOUDWATCH_LOGS);

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(Files.readAllLines(probe.resolve("trail-marker"))).containsExactly("first", "second");
        assertThat(run.err().split("central audit trail", -1)).as(run.err()).hasSize(2);
        assertThat(run.err()).contains("log group " + group + ") cannot be written", "the next command ships them");
        assertThat(centralIds()).hasSize(2);

        proxy.restore();
        List<JsonNode> audit = auditJson(alice, env);
        assertThat(audit).hasSize(4).allSatisfy(r -> assertThat(r.path("shipped").asBoolean()).isTrue());
        assertThat(centralIds()).hasSize(4).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(audit));
    }

    @Test
    void audit_whenRequireCentralRefusedAChangeAndAnotherOperatorRan_mergesBothTrailsAndMarksWhatIsNotShipped() throws Exception {
        Path env = environment(true);
        Cli alice = operator("alice");
        Cli bob = operator("bob");

        Cli.Result run = runCutMidway(alice, env, PUT_LOG_EVENTS);

        assertThat(run.exitCode()).as(run.all()).isEqualTo(3);
        assertThat(run.err()).contains("Refused: append file " + probe.resolve("trail-marker"),
                "the central audit trail cannot be written and environment team requires it (audit.requireCentral)", group);
        assertThat(Files.readAllLines(probe.resolve("trail-marker"))).as("the destructive change did not run").containsExactly("first");

        proxy.restore();
        Cli.Result bobs = bob.run("run", Cli.testRunbook("audit-trail.jsh").toString(), "--env", env.toString(), "--yes");
        assertThat(bobs.exitCode()).as(bobs.all()).isZero();

        // the trail can be read but not written: alice's refused change shows, marked as not shipped
        proxy.cut(PUT_LOG_EVENTS);
        List<JsonNode> merged = auditJson(alice, env);
        assertThat(merged).extracting(r -> r.path("event").asText() + " " + r.path("shipped").asBoolean())
                .containsExactlyInAnyOrder("started true", "ok true", "started false", "refused false",
                        "started true", "ok true", "started true", "ok true");
        assertThat(merged).filteredOn(r -> r.path("event").asText().equals("refused")).singleElement()
                .satisfies(r -> assertThat(r.path("reason").asText()).contains("audit.requireCentral"));
        Cli.Result table = alice.run("audit", "--env", env.toString());
        assertThat(table.out()).contains("SHIPPED", "refused");

        // back: alice's next command ships her backlog, and both operators' records are in the group once
        proxy.restore();
        assertThat(auditJson(alice, env)).hasSize(8).allSatisfy(r -> assertThat(r.path("shipped").asBoolean()).isTrue());
        List<JsonNode> bobSees = auditJson(bob, env);
        assertThat(bobSees).hasSize(8).allSatisfy(r -> assertThat(r.path("shipped").asBoolean()).isTrue());
        assertThat(bobSees.stream().map(r -> r.path("runId").asText()).distinct()).as("two runs, two operators").hasSize(2);
        assertThat(centralIds()).hasSize(8).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(merged));
    }

    private String aws(String... args) {
        List<String> command = new ArrayList<>(List.of("aws", "--endpoint-url", info.awsEndpoint(), "--region", info.region(),
                "--output", "json"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("AWS_ACCESS_KEY_ID", info.accessKeyId());
        pb.environment().put("AWS_SECRET_ACCESS_KEY", info.secretAccessKey());
        pb.environment().remove("AWS_PROFILE");
        try {
            Process p = pb.redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("aws " + String.join(" ", args) + ": " + out).isZero();
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run the aws CLI: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
