package io.discordination.ops.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.discordination.ops.sandbox.aws.AwsClients;
import io.discordination.ops.sandbox.aws.ControlPlane;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.PolicyScopeType;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sandbox's control plane (deploy/control-plane.yaml, deployed at up) and its operators
 * (IAM users with keys of their own), checked with the AWS SDK and the aws CLI.
 */
@ExtendWith(SandboxExtension.class)
class SandboxControlPlaneTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AwsClients aws(SandboxInfo info) {
        return new AwsClients(info.awsEndpoint(), info.region(), info.accessKeyId(), info.secretAccessKey());
    }

    private static DynamoDbClient dynamo(SandboxInfo info) {
        return DynamoDbClient.builder().endpointOverride(URI.create(info.awsEndpoint()))
                .region(software.amazon.awssdk.regions.Region.of(info.region()))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(info.accessKeyId(), info.secretAccessKey())))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
    }

    @Test
    void up_deploysTheTemplateProductionDeploys_withEverySettingMotoWouldHaveDropped(SandboxInfo info) throws Exception {
        try (AwsClients aws = aws(info); DynamoDbClient dynamo = dynamo(info)) {
            var stack = aws.cloudFormation().describeStacks(r -> r.stackName(ControlPlane.STACK)).stacks().get(0);
            assertThat(stack.stackStatus()).isEqualTo(StackStatus.CREATE_COMPLETE);
            Map<String, String> outputs = stack.outputs().stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue));
            assertThat(outputs).containsEntry("TableName", "discordination-ops").containsEntry("AuditLogGroupName", "/discordination/ops/audit")
                    .containsEntry("JournalBucketName", "discordination-ops").containsEntry("JournalPrefix", "journals/");
            // the very file in deploy/, not a copy that could drift
            String deployed = aws.cloudFormation().getTemplate(r -> r.stackName(ControlPlane.STACK)).templateBody();
            assertThat(deployed).isEqualTo(Files.readString(Path.of("../deploy/control-plane.yaml")));

            TableDescription table = dynamo.describeTable(r -> r.tableName("discordination-ops")).table();
            assertThat(table.keySchema()).extracting(k -> k.attributeName() + " " + k.keyTypeAsString()).containsExactly("pk HASH", "sk RANGE");
            assertThat(table.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
            assertThat(table.globalSecondaryIndexes()).hasSize(1);
            assertThat(table.globalSecondaryIndexes().get(0).indexName()).isEqualTo("by-kind");
            assertThat(table.globalSecondaryIndexes().get(0).keySchema()).extracting(k -> k.attributeName() + " " + k.keyTypeAsString())
                    .containsExactly("kind HASH", "at RANGE");
            var ttl = dynamo.describeTimeToLive(r -> r.tableName("discordination-ops")).timeToLiveDescription();
            assertThat(ttl.timeToLiveStatusAsString()).isEqualTo("ENABLED");
            assertThat(ttl.attributeName()).isEqualTo("ttl");
            assertThat(dynamo.describeContinuousBackups(r -> r.tableName("discordination-ops")).continuousBackupsDescription()
                    .pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString()).isEqualTo("ENABLED");

            var group = aws.logs().describeLogGroups(r -> r.logGroupNamePrefix("/discordination/ops/audit")).logGroups();
            assertThat(group).hasSize(1);
            assertThat(group.get(0).retentionInDays()).isEqualTo(400);

            assertThat(aws.s3().getBucketVersioning(r -> r.bucket("discordination-ops")).statusAsString()).isEqualTo("Enabled");
            var block = aws.s3().getPublicAccessBlock(r -> r.bucket("discordination-ops")).publicAccessBlockConfiguration();
            assertThat(List.of(block.blockPublicAcls(), block.blockPublicPolicy(), block.ignorePublicAcls(), block.restrictPublicBuckets()))
                    .containsOnly(true);
            assertThat(aws.s3().getBucketEncryption(r -> r.bucket("discordination-ops")).serverSideEncryptionConfiguration().rules())
                    .extracting(rule -> rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString()).containsExactly("AES256");

            Map<String, Policy> policies = aws.iam().listPolicies(r -> r.scope(PolicyScopeType.LOCAL)).policies().stream()
                    .collect(Collectors.toMap(Policy::policyName, p -> p));
            assertThat(policies).containsKeys("discordination-ops-operator", "discordination-ops-auditor");
            assertThat(actions(aws, policies.get("discordination-ops-operator"))).containsExactlyInAnyOrder(
                    "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
                    "dynamodb:TransactWriteItems", "dynamodb:ConditionCheckItem",
                    "logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogStreams",
                    "s3:GetObject", "s3:PutObject", "s3:ListBucket", "sts:GetCallerIdentity");
            // the auditor reads: no action that writes anything
            assertThat(actions(aws, policies.get("discordination-ops-auditor")))
                    .contains("dynamodb:Query", "logs:FilterLogEvents", "s3:GetObject")
                    .noneMatch(a -> a.matches(".*:(Put|Update|Delete|Create|TransactWrite|BatchWrite|ConditionCheck).*"));
        }
    }

    /** The actions a managed policy's default version allows. */
    private static List<String> actions(AwsClients aws, Policy policy) throws Exception {
        String document = aws.iam().getPolicyVersion(r -> r.policyArn(policy.arn()).versionId(policy.defaultVersionId()))
                .policyVersion().document();
        JsonNode root = JSON.readTree(URLDecoder.decode(document, StandardCharsets.UTF_8));
        List<String> actions = new ArrayList<>();
        for (JsonNode statement : root.get("Statement")) {
            assertThat(statement.get("Effect").asText()).isEqualTo("Allow");
            JsonNode action = statement.get("Action");
            if (action.isArray()) action.forEach(a -> actions.add(a.asText()));
            else actions.add(action.asText());
        }
        return actions;
    }

    @Test
    void operator_givesEachNameItsOwnIamUser_asTheAwsCliSeesIt_andTheSameKeyWhenAskedAgain(Sandbox sandbox, SandboxInfo info) {
        SandboxOperator alice = sandbox.operator("cp-alice");
        SandboxOperator again = sandbox.operator("cp-alice");
        SandboxOperator bob = sandbox.operator("cp-bob");

        assertThat(again.accessKeyId()).isEqualTo(alice.accessKeyId());
        assertThat(again.secretAccessKey()).isEqualTo(alice.secretAccessKey());
        assertThat(bob.accessKeyId()).isNotEqualTo(alice.accessKeyId());
        assertThat(alice.arn()).isEqualTo("arn:aws:iam::" + SeedData.ACCOUNT_ID + ":user/cp-alice");
        assertThat(alice.environment()).containsEntry("OPS_ENV", info.environmentFile().toString())
                .containsEntry("OPS_SANDBOX_ACCESS_KEY_ID", alice.accessKeyId()).containsEntry("AWS_ACCESS_KEY_ID", alice.accessKeyId());
        assertThat(alice.toString()).doesNotContain(alice.secretAccessKey());

        String ask = "aws sts get-caller-identity --query Arn --output text";
        Shell.Result asAlice = Shell.run(alice.environment(), ask);
        Shell.Result asBob = Shell.run(bob.environment(), ask);
        Shell.Result asTheSandbox = Shell.run(info.exports(), ask);
        assertThat(asAlice.out().trim()).as(asAlice.toString()).isEqualTo(alice.arn());
        assertThat(asBob.out().trim()).as(asBob.toString()).isEqualTo(bob.arn());
        // the first shell keeps the sandbox's own identity
        assertThat(asTheSandbox.out().trim()).as(asTheSandbox.toString()).isNotEqualTo(alice.arn()).isNotEqualTo(bob.arn()).isNotBlank();

        try (AwsClients aws = aws(info)) {
            assertThat(aws.iam().listAccessKeys(r -> r.userName("cp-alice")).accessKeyMetadata()).hasSize(1);
        }
        assertThat(sandbox.directory().resolve("operators/cp-alice.json")).isRegularFile();
    }

    @Test
    void operator_whenTheNameIsNoIamUserName_isRefusedAndNothingIsMade(Sandbox sandbox, SandboxInfo info) throws Exception {
        List<String> hostile = List.of("", "../../etc/passwd", ".hidden", "a b", "bob;rm -rf /", "x".repeat(65), "bob\n", "ünicode");
        for (String name : hostile) {
            assertThatThrownBy(() -> sandbox.operator(name)).as(name).isInstanceOf(IllegalArgumentException.class);
        }
        try (AwsClients aws = aws(info)) {
            Set<String> users = aws.iam().listUsers().users().stream().map(u -> u.userName()).collect(Collectors.toSet());
            assertThat(users).doesNotContainAnyElementsOf(hostile);
        }
        try (var files = Files.list(sandbox.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).doesNotContain("etc", ".hidden.json");
        }
    }

    @Test
    void operator_afterMotoForgotTheUser_isMadeAgainWithTheSameKey_soASecondShellKeepsWorking(Sandbox sandbox, SandboxInfo info) {
        SandboxOperator before = sandbox.operator("cp-carol");

        // what a reseed does to IAM (moto's reset forgets every user), then what the seed does after it
        // (MotoServer.seed restores the sandbox's operators); a full reseed costs ten seconds
        try (AwsClients aws = aws(info)) {
            for (var key : aws.iam().listAccessKeys(r -> r.userName("cp-carol")).accessKeyMetadata()) {
                aws.iam().deleteAccessKey(r -> r.userName("cp-carol").accessKeyId(key.accessKeyId()));
            }
            aws.iam().deleteUser(r -> r.userName("cp-carol"));
            assertThat(Shell.run(before.environment(), "aws sts get-caller-identity --query Arn --output text").out().trim())
                    .isNotEqualTo(before.arn());
            new io.discordination.ops.sandbox.aws.Operators(sandbox.directory()).restore(aws.iam());
        }

        Shell.Result asCarol = Shell.run(before.environment(), "aws sts get-caller-identity --query Arn --output text"
                + " && aws dynamodb describe-time-to-live --table-name discordination-ops --query TimeToLiveDescription.TimeToLiveStatus --output text");
        assertThat(asCarol.out().lines().toList()).as(asCarol.toString()).containsExactly(before.arn(), "ENABLED");
        SandboxOperator after = sandbox.operator("cp-carol");
        assertThat(after.accessKeyId()).isEqualTo(before.accessKeyId());
        Map<String, String> env = new HashMap<>(after.environment());
        assertThat(env.get("AWS_SECRET_ACCESS_KEY")).isEqualTo(before.secretAccessKey());
    }
}
