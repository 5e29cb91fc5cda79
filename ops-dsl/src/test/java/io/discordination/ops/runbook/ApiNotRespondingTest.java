package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Deployment;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's {@code runbooks/api-not-responding.jsh} and its Groovy twin against the sandbox:
 * the same plan from both, a plan that changes nothing, and a run that redeploys, each checked
 * with an ECS client of the test's own.
 */
@ExtendWith(SandboxExtension.class)
class ApiNotRespondingTest {
    static SandboxInfo info;
    static Cli cli;

    @BeforeAll
    static void sandbox(SandboxInfo sandbox) {
        info = sandbox;
        cli = new Cli(sandbox.opsHome(), Cli.projectRoot());
    }

    private static EcsClient ecs() {
        return EcsClient.builder().region(Region.of(info.region())).endpointOverride(URI.create(info.awsEndpoint()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(info.accessKeyId(), info.secretAccessKey())))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    private static List<Deployment> apiDeployments() {
        try (EcsClient ecs = ecs()) {
            return ecs.describeServices(r -> r.cluster(info.cluster()).services("api")).services().get(0).deployments();
        }
    }

    @Test
    void plan_whenJshAndGroovyDeclareApiNotResponding_giveTheSamePlanAndChangeNothing() throws IOException {
        List<String> before = apiDeployments().stream().map(Deployment::id).toList();

        Cli.Result jsh = cli.run("plan", "api-not-responding", "-o", "json");
        Cli.Result groovy = cli.run("plan", Cli.testRunbook("api-not-responding.groovy").toString(), "-o", "json");

        assertThat(jsh.exitCode()).as(jsh.all()).isZero();
        assertThat(groovy.exitCode()).as(groovy.all()).isZero();
        JsonNode a = Json.mapper().readTree(jsh.out());
        JsonNode b = Json.mapper().readTree(groovy.out());
        assertThat(b.get("steps").size()).isEqualTo(a.get("steps").size()).isEqualTo(5);
        for (int i = 0; i < a.get("steps").size(); i++) {
            JsonNode x = a.get("steps").get(i);
            JsonNode y = b.get("steps").get(i);
            for (String field : List.of("number", "kind", "title", "status", "commands", "effects")) {
                assertThat(y.get(field)).as("step %d %s", i + 1, field).isEqualTo(x.get(field));
            }
        }
        assertThat(a.at("/steps/0/result/service").asText()).isEqualTo("api");
        assertThat(b.at("/steps/0/result/cluster").asText()).isEqualTo(info.cluster());
        assertThat(a.at("/steps/2/result/instance").asText()).isEqualTo(b.at("/steps/2/result/instance").asText()).isEqualTo("discordination-prod");
        assertThat(a.at("/steps/3/effects/0/command").asText())
                .isEqualTo("aws ecs update-service --cluster discordination-prod --service api --force-new-deployment");
        assertThat(a.at("/steps/3/effects/0/template").asText()).isEqualTo(io.discordination.ops.ecs.EcsService.FORCE_REDEPLOY.text());
        assertThat(a.at("/steps/3/effects/0/destructive").asBoolean()).isTrue();
        assertThat(a.at("/steps/4/status").asText()).isEqualTo("not-polled");
        assertThat(apiDeployments().stream().map(Deployment::id).toList()).isEqualTo(before);
    }

    @Test
    void run_whenConfirmedWithYes_redeploysTheApiAndRecordsTheRun() {
        String before = apiDeployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElseThrow().id();

        Cli.Result r = cli.run("run", "api-not-responding", "--yes", "-p", "since=5m");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("4. Force new deployment (rolling restart)  [action]", "finished ok", "Journal: ");
        String after = apiDeployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst().orElseThrow().id();
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void run_whenNotConfirmedAndNoTerminal_refusesWithExitThreeAndChangesNothing() {
        List<String> before = apiDeployments().stream().map(Deployment::id).toList();

        Cli.Result r = cli.run("run", "api-not-responding");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("Refused: force-redeploy", "--yes");
        assertThat(apiDeployments().stream().map(Deployment::id).toList()).isEqualTo(before);
    }
}
