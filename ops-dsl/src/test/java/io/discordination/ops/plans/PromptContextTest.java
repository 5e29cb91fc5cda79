package io.discordination.ops.plans;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.rds.RdsClient;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The confirmation prompt before a destructive effect says what it touches, whether the target was
 * used lately (CloudWatch DatabaseConnections, put here with an SDK client), and whether ops undo
 * can reverse it; answered no, nothing changes (read back with an RDS client).
 */
@ExtendWith(SandboxExtension.class)
class PromptContextTest {
    @TempDir
    Path home;

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C aws(SandboxInfo sandbox, B builder) {
        return builder.endpointOverride(URI.create(sandbox.awsEndpoint())).region(Region.of(sandbox.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(sandbox.accessKeyId(), sandbox.secretAccessKey())))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    @Test
    void deletingAnInstanceInUse_thePromptShowsItsSizeItsConnectionsAndTheUndo_andNoChangesNothing(SandboxInfo sandbox) {
        String id = "prompt-" + UUID.randomUUID().toString().substring(0, 6);
        try (RdsClient rds = aws(sandbox, RdsClient.builder()); CloudWatchClient cw = aws(sandbox, CloudWatchClient.builder())) {
            String snapshot = rds.describeDBSnapshots(b -> b.dbInstanceIdentifier("discordination-prod")).dbSnapshots().get(0).dbSnapshotIdentifier();
            rds.restoreDBInstanceFromDBSnapshot(b -> b.dbInstanceIdentifier(id).dbSnapshotIdentifier(snapshot).dbInstanceClass("db.t3.micro"));
            cw.putMetricData(b -> b.namespace("AWS/RDS").metricData(m -> m.metricName("DatabaseConnections")
                    .dimensions(d -> d.name("DBInstanceIdentifier").value(id)).timestamp(Instant.now().minusSeconds(120))
                    .value(7.0).unit(StandardUnit.COUNT)));
            try {
                ByteArrayOutputStream shown = new ByteArrayOutputStream();
                Confirmer asking = Confirmer.streams(new BufferedReader(new StringReader("n\n")),
                        new PrintStream(shown, true, StandardCharsets.UTF_8), false);
                try (OpsContext context = OpsContext.builder().environment(Environment.load(sandbox.environmentFile()))
                        .opsHome(home).confirmer(asking).build()) {
                    assertThatThrownBy(() -> context.rds(id).deleteRestored()).isInstanceOf(OpsException.RefusedException.class);
                }
                String prompt = shown.toString(StandardCharsets.UTF_8);
                assertThat(prompt).contains("delete-instance rds instance " + id,
                        "instance:   " + id + ", db.t3.micro,",
                        "last used:  7 connections at most in the last hour (CloudWatch DatabaseConnections): it is in use",
                        "undo:       cannot be undone");
                assertThat(rds.describeDBInstances(b -> b.dbInstanceIdentifier(id)).dbInstances()).hasSize(1);
            } finally {
                rds.deleteDBInstance(b -> b.dbInstanceIdentifier(id).skipFinalSnapshot(true));
            }
        }
    }

    @Test
    void withYes_noOneIsAsked_soTheInstanceIsNotLookedUp(SandboxInfo sandbox) {
        String id = "prompt-yes-" + UUID.randomUUID().toString().substring(0, 6);
        try (RdsClient rds = aws(sandbox, RdsClient.builder())) {
            String snapshot = rds.describeDBSnapshots(b -> b.dbInstanceIdentifier("discordination-prod")).dbSnapshots().get(0).dbSnapshotIdentifier();
            rds.restoreDBInstanceFromDBSnapshot(b -> b.dbInstanceIdentifier(id).dbSnapshotIdentifier(snapshot).dbInstanceClass("db.t3.micro"));
            ByteArrayOutputStream shown = new ByteArrayOutputStream();
            Confirmer yes = Confirmer.streams(new BufferedReader(new StringReader("")), new PrintStream(shown, true, StandardCharsets.UTF_8), true);
            try (OpsContext context = OpsContext.builder().environment(Environment.load(sandbox.environmentFile())).opsHome(home)
                    .confirmer(yes).build()) {
                assertThat(context.gate().asksBeforeDestructive()).isFalse();
                context.rds(id).deleteRestored();
                assertThat(context.awsCalls().snapshot().callsTo("CloudWatch")).isZero();
            }
            assertThat(shown.toString(StandardCharsets.UTF_8)).doesNotContain("last used");
            assertThat(rds.describeDBInstances().dbInstances()).noneMatch(i -> i.dbInstanceIdentifier().equals(id)
                    && "available".equals(i.dbInstanceStatus()));
        }
    }
}
