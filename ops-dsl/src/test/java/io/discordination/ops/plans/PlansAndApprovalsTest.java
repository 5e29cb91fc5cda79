package io.discordination.ops.plans;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.cli.OpsCommand;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SandboxOperator;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saved plans, approvals and {@code ops apply} through the command line, against the sandbox with
 * a copy of environments/prod.yaml (its approvals policy included: restore-db-backup needs one
 * approval) and the control plane's DynamoDB table. Two operators, alice and bob, are IAM users
 * of the emulator whose keys reach the {@code ops} process through its environment, so each
 * command knows its caller by the AWS identity. Effects are checked with an RDS client, the
 * registry with a DynamoDB client, and the target changed behind a plan's back with the aws CLI.
 */
@ExtendWith(SandboxExtension.class)
class PlansAndApprovalsTest {
    private static final String TABLE = "discordination-ops";

    @TempDir
    static Path home;

    private static SandboxInfo sandbox;
    private static Path prod;
    private static Map<String, String> alice;
    private static Map<String, String> bob;
    private static final List<String> created = new ArrayList<>();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void operatorsAndControlPlane(SandboxInfo info, Sandbox box) throws IOException {
        sandbox = info;
        // production's file, its variables pointed at the sandbox (what ops sandbox env exports), policy and all
        String text = Files.readString(Cli.projectRoot().resolve("environments/prod.yaml"));
        assertThat(text).contains("approvals:", "- destructive", "- restore-db-backup");
        for (Map.Entry<String, String> v : sandbox.exports().entrySet()) {
            text = text.replaceAll("\\$\\{" + v.getKey() + "(:-[^}]*)?}", java.util.regex.Matcher.quoteReplacement(v.getValue()));
        }
        assertThat(text).doesNotContain("${AWS_ENDPOINT_URL", "${DATABASE_URL}", "${REDIS_URL}");
        prod = Files.writeString(home.resolve("prod.yaml"), text);
        alice = keys(box.operator("plans-alice"));
        bob = keys(box.operator("plans-bob"));
        // the sandbox deploys deploy/control-plane.yaml at up: the registry table and the audit log group are there
    }

    @AfterAll
    static void deleteRestoredInstances() {
        try (RdsClient rds = aws(RdsClient.builder())) {
            for (String id : created) {
                try {
                    rds.deleteDBInstance(b -> b.dbInstanceIdentifier(id).skipFinalSnapshot(true));
                } catch (DbInstanceNotFoundException gone) {
                    // never made
                }
            }
        }
    }

    /** An IAM user of the emulator (the sandbox's second operators), as the variables that carry its keys. */
    private static Map<String, String> keys(SandboxOperator operator) {
        return Map.of("AWS_ACCESS_KEY_ID", operator.accessKeyId(), "AWS_SECRET_ACCESS_KEY", operator.secretAccessKey());
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C aws(B builder) {
        return builder.endpointOverride(URI.create(sandbox.awsEndpoint())).region(Region.of(sandbox.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(sandbox.accessKeyId(), sandbox.secretAccessKey())))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /**
     * {@code ops args...} as {@code who} (alice or bob), in this JVM: the operator's keys are the AWS
     * SDK's system properties for the call, which the default credential chain reads first.
     */
    private static Result ops(Map<String, String> who, String... args) {
        System.setProperty("aws.accessKeyId", who.get("AWS_ACCESS_KEY_ID"));
        System.setProperty("aws.secretAccessKey", who.get("AWS_SECRET_ACCESS_KEY"));
        try {
            Cli.Result r = new Cli(home, Cli.projectRoot()).run(args);
            return new Result(r.exitCode(), r.out(), r.err());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    /** {@code ops args...} as {@code who} in a child process whose environment holds the operator's keys. */
    private static Result opsProcess(Map<String, String> who, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dops.root=" + Cli.projectRoot(), "-Dops.home=" + home, OpsCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.equals("OPS_HOME") || k.startsWith("AWS_"));
        pb.environment().putAll(sandbox.exports());
        pb.environment().putAll(who);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ops " + String.join(" ", args) + " finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** alice saves a plan of {@code runbook} (a name or file) with {@code params}; returns its id. */
    private static String save(String runbook, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("plan", runbook, "--env", prod.toString(), "--save", "--output", "json"));
        args.addAll(List.of(extra));
        Result r = ops(alice, args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode json = Json.mapper().readTree(r.out());
        assertThat(json.path("planId").asText()).startsWith("plan-");
        return json.path("planId").asText();
    }

    private static Result apply(Map<String, String> who, String planId) throws Exception {
        return ops(who, "apply", planId, "--env", prod.toString(), "--yes", "--confirm-env", "prod");
    }

    private static Optional<DBInstance> instance(String id) {
        try (RdsClient rds = aws(RdsClient.builder())) {
            return rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances().stream().findFirst();
        } catch (DbInstanceNotFoundException e) {
            return Optional.empty();
        }
    }

    private static String target(String name) {
        String id = name + "-" + RUN;
        created.add(id);
        return id;
    }

    private static Map<String, AttributeValue> item(String planId, String sk) {
        try (DynamoDbClient dynamo = aws(DynamoDbClient.builder())) {
            return dynamo.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS("plan#" + planId),
                    "sk", AttributeValue.fromS(sk))).consistentRead(true)).item();
        }
    }

    private static List<JsonNode> audit(String planId) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(home.resolve("audit/prod.jsonl"))) {
            JsonNode n = Json.mapper().readTree(line);
            if (n.path("effect").path("target").asText().equals("plan " + planId)) lines.add(n);
        }
        return lines;
    }

    @Test
    void restore_needsBobsApproval_thenAliceAppliesItOnce() throws Exception {
        String target = target("approved");
        String planId = save("restore-db-backup", "--param", "target=" + target);
        Map<String, AttributeValue> planItem = item(planId, "plan");
        assertThat(planItem.get("state").s()).isEqualTo("planned");
        assertThat(planItem.get("operator").s()).endsWith(":user/plans-alice");
        JsonNode file = Json.mapper().readTree(home.resolve("plans/" + planId + ".json").toFile());
        assertThat(file.path("approvalsRequired").asInt()).isEqualTo(1);
        assertThat(file.path("effects").get(0).path("target").asText()).isEqualTo("rds instance " + target);

        Result early = apply(alice, planId);
        assertThat(early.exitCode()).as(early.all()).isEqualTo(3);
        assertThat(early.err()).contains("needs 1 approval", "has 0 valid");
        Result own = ops(alice, "approve", planId, "--env", prod.toString());
        assertThat(own.exitCode()).as(own.all()).isEqualTo(3);
        assertThat(own.err()).contains("saved this plan", "two-person rule");
        assertThat(instance(target)).isEmpty();

        Result pending = ops(bob, "plans", "--pending", "--env", prod.toString(), "--output", "json");
        assertThat(pending.exitCode()).as(pending.all()).isZero();
        assertThat(pending.out()).contains(planId);
        Result approved = ops(bob, "approve", planId, "--env", prod.toString());
        assertThat(approved.exitCode()).as(approved.all()).isZero();
        assertThat(item(planId, "approval#" + item(planId, "plan").get("operator").s().replace("plans-alice", "plans-bob")))
                .containsKey("fingerprint");

        Result applied = opsProcess(alice, "apply", planId, "--env", prod.toString(), "--yes", "--confirm-env", "prod");
        assertThat(applied.exitCode()).as(applied.all()).isZero();
        assertThat(applied.out()).contains("approved by", "user/plans-bob", "Plan " + planId + " applied");
        assertThat(instance(target)).isPresent();
        assertThat(item(planId, "plan").get("state").s()).isEqualTo("applied");

        Result again = apply(bob, planId);
        assertThat(again.exitCode()).as(again.all()).isEqualTo(3);
        assertThat(again.err()).contains("was applied already");
        Result lateApproval = ops(bob, "approve", planId, "--env", prod.toString());
        assertThat(lateApproval.exitCode()).as(lateApproval.all()).isEqualTo(3);

        assertThat(audit(planId)).extracting(n -> n.path("event").asText()).containsSubsequence("plan-saved",
                "plan-apply-refused", "plan-approve-refused", "plan-approved", "plan-applying", "plan-applied", "plan-apply-refused");
    }

    @Test
    void apply_whenTheRestoreTargetWasCreatedAfterTheApproval_refusesShowingTheChange() throws Exception {
        String target = target("taken");
        String planId = save("restore-db-backup", "--param", "target=" + target);
        assertThat(ops(bob, "approve", planId, "--env", prod.toString()).exitCode()).isZero();
        // someone makes the target by hand
        String snapshot;
        try (RdsClient rds = aws(RdsClient.builder())) {
            snapshot = rds.describeDBSnapshots(b -> b.dbInstanceIdentifier("discordination-prod")).dbSnapshots().get(0).dbSnapshotIdentifier();
        }
        ProcessBuilder cli = new ProcessBuilder("aws", "rds", "restore-db-instance-from-db-snapshot", "--db-instance-identifier", target,
                "--db-snapshot-identifier", snapshot, "--db-instance-class", "db.t3.micro").redirectErrorStream(true);
        cli.environment().putAll(sandbox.exports());
        Process p = cli.start();
        String cliOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(cliOut).isZero();
        assertThat(instance(target)).hasValueSatisfying(i -> assertThat(i.dbInstanceClass()).isEqualTo("db.t3.micro"));

        Result r = apply(alice, planId);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.out()).contains("no longer holds", "effect removed: restore-from-snapshot rds instance " + target,
                target + ": a DB instance with that name already exists");
        assertThat(instance(target)).hasValueSatisfying(i -> assertThat(i.dbInstanceClass()).isEqualTo("db.t3.micro"));
        assertThat(item(planId, "plan").get("state").s()).isEqualTo("planned");
    }

    @Test
    void apply_whenTheRunbookWasEdited_refusesItsPlans() throws Exception {
        Path dir = Files.createDirectories(home.resolve("runbooks-" + RUN));
        Path copy = Files.copy(Cli.projectRoot().resolve("runbooks/restore-db-backup.jsh"), dir.resolve("restore-db-backup.jsh"));
        String target = target("edited");
        String planId = save(copy.toString(), "--param", "target=" + target);
        assertThat(ops(bob, "approve", planId, "--env", prod.toString()).exitCode()).isZero();
        Files.writeString(copy, Files.readString(copy).replace("db.r6g.large", "db.r6g.16xlarge"));

        Result r = apply(alice, planId);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.out()).contains("runbook restore-db-backup edited since the plan");
        assertThat(instance(target)).isEmpty();
    }

    @Test
    void run_ofARunbookThatNeedsApproval_refusesBeforeAnyEffectAndSaysToSaveAPlan() throws Exception {
        String target = target("unplanned");

        Result r = ops(alice, "run", "restore-db-backup", "--env", prod.toString(), "--param", "target=" + target,
                "--yes", "--confirm-env", "prod");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("needs 1 approval", "ops plan restore-db-backup --save");
        assertThat(instance(target)).isEmpty();
    }

    @Test
    void apply_ofAnExpiredPlan_isRefused() throws Exception {
        String target = target("expired");
        String planId = save("restore-db-backup", "--param", "target=" + target, "--expires", "1s");
        Thread.sleep(1200);

        Result approve = ops(bob, "approve", planId, "--env", prod.toString());
        Result r = apply(alice, planId);

        assertThat(approve.exitCode()).as(approve.all()).isEqualTo(3);
        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("expired at");
        assertThat(instance(target)).isEmpty();
    }

    @Test
    void apply_whenTheRunMakesAnEffectThePlanDidNotHave_refusesThatEffect() throws Exception {
        // a runbook that plans one restore and, when it runs, makes another
        Path dir = Files.createDirectories(home.resolve("sneaky-" + RUN));
        String planned = target("sneaky");
        String other = target("sneaky-other");
        Path sneaky = Files.writeString(dir.resolve("sneaky-restore.jsh"), """
                runbook("sneaky-restore", "Restores something else than it plans")
                    .action("Restore", RdsRestore.RESTORE, () -> {
                        String snapshot = rds().snapshots().latest().snapshotId();
                        return rds().restore(snapshot).as(context().isDryRun() ? "%s" : "%s").start();
                    });
                """.formatted(planned, other));
        String planId = save(sneaky.toString());

        Result r = apply(alice, planId);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.all()).contains("restore-from-snapshot rds instance " + other, "is not in plan " + planId);
        assertThat(instance(other)).isEmpty();
        assertThat(instance(planned)).isEmpty();
    }
}
