package io.discordination.ops.aws;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsErrorsTest {

    private static Environment environment(Path dir, String endpoint) throws Exception {
        Path file = dir.resolve("test.yaml");
        Files.writeString(file, """
                name: test
                aws:
                  region: us-east-1
                  endpoint: %s
                  accessKeyId: test
                  secretAccessKey: test
                ecs:
                  cluster: discordination-prod
                  services:
                    api: api
                """.formatted(endpoint));
        return Environment.load(file);
    }

    private static io.discordination.ops.HandleContext.Place place(Environment env) {
        return new io.discordination.ops.HandleContext.Place(env.name(), env.source(), env.topology().aws());
    }

    private static AwsServiceException error(String code, int status) {
        return EcsException.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("message of " + code)
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build()).build())
                .build();
    }

    @Test
    void translate_whenAccessDenied_namesTheIamAction(@TempDir Path dir) throws Exception {
        AwsErrors errors = AwsErrors.of(place(environment(dir, "http://127.0.0.1:1")), "ecs");
        OpsException e = errors.translate("ecs:UpdateService", "ECS service api", error("AccessDeniedException", 400));
        assertThat(e).isInstanceOf(OpsException.AccessDeniedException.class);
        assertThat(e.getMessage()).contains("ecs:UpdateService").contains("IAM permission").contains("env test");
    }

    @Test
    void translate_whenNotFound_namesResourceAndEnvironment(@TempDir Path dir) throws Exception {
        AwsErrors errors = AwsErrors.of(place(environment(dir, "http://127.0.0.1:1")), "ecs");
        OpsException e = errors.translate("ecs:DescribeServices", "ECS service apii", error("ServiceNotFoundException", 400));
        assertThat(e).isInstanceOf(OpsException.NotFoundException.class);
        assertThat(e.getMessage()).contains("ECS service apii").contains("environment test");
    }

    @Test
    void translate_whenThrottledAfterRetries_saysHowManyAttempts(@TempDir Path dir) throws Exception {
        AwsErrors errors = AwsErrors.of(place(environment(dir, "http://127.0.0.1:1")), "ecs");
        AwsServiceException throttled = (AwsServiceException) error("ThrottlingException", 400).toBuilder().numAttempts(3).build();
        OpsException e = errors.translate("ecs:DescribeServices", "ECS service api", throttled);
        assertThat(e.getMessage()).contains("still throttling").contains("after 3 attempts");
    }

    @Test
    void call_whenEndpointRefusesConnections_asksWhetherTheSandboxIsUp(@TempDir Path dir) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (OpsContext context = OpsContext.builder().environment(environment(dir, "http://127.0.0.1:" + closedPort))
                .opsHome(dir).confirmer(Confirmer.nonInteractive(true, null)).build()) {
            assertThatThrownBy(() -> context.ecs("api").status())
                    .isInstanceOf(OpsException.class)
                    .hasMessageContaining("Cannot reach the AWS endpoint http://127.0.0.1:" + closedPort)
                    .hasMessageContaining("ops sandbox status");
        }
    }

    @Test
    void translate_whenClientErrorWithoutNetworkCause_keepsItsMessage(@TempDir Path dir) throws Exception {
        AwsErrors errors = AwsErrors.of(place(environment(dir, "http://127.0.0.1:1")), "ecs");
        OpsException e = errors.translate("ecs:ListTasks", "cluster x", SdkClientException.create("boom"));
        assertThat(e.getMessage()).contains("ecs:ListTasks").contains("boom");
    }
}
