package io.discordination.ops.sandbox.aws;

import io.discordination.ops.sandbox.SandboxException;
import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The team's control plane in the sandbox: the stack of {@code deploy/control-plane.yaml}, the
 * template production deploys (the build copies it into this jar), created with CloudFormation as
 * {@code aws cloudformation deploy} creates it: the registry table, the audit log group, the
 * journal bucket and the operator's and auditor's policies, with production's names.
 *
 * <pre>{@code Map<String, String> outputs = ControlPlane.deploy(aws.cloudFormation());}</pre>
 */
public final class ControlPlane {
    /** The stack's name, as docs/control-plane.md deploys it. */
    public static final String STACK = "discordination-ops";

    private ControlPlane() {
    }

    /** The text of {@code deploy/control-plane.yaml}. */
    public static String template() {
        try (InputStream in = ControlPlane.class.getResourceAsStream("control-plane.yaml")) {
            if (in == null) throw new SandboxException("control-plane.yaml (deploy/) is missing from the ops-sandbox jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SandboxException("Cannot read control-plane.yaml from the ops-sandbox jar: " + e.getMessage(), e);
        }
    }

    /** Creates the stack with the template's defaults and returns its outputs (TableName, AuditLogGroupName, ...). */
    public static Map<String, String> deploy(CloudFormationClient cloudFormation) {
        cloudFormation.createStack(r -> r.stackName(STACK).templateBody(template())
                .capabilities(Capability.CAPABILITY_NAMED_IAM));
        Stack stack = cloudFormation.describeStacks(r -> r.stackName(STACK)).stacks().get(0);
        if (stack.stackStatus() != StackStatus.CREATE_COMPLETE) {
            throw new SandboxException("The control plane stack " + STACK + " is " + stack.stackStatusAsString()
                    + (stack.stackStatusReason() == null ? "" : ": " + stack.stackStatusReason()));
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Output o : stack.outputs()) outputs.put(o.outputKey(), o.outputValue());
        if (!SeedData.REGISTRY_TABLE.equals(outputs.get("TableName"))
                || !SeedData.AUDIT_LOG_GROUP.equals(outputs.get("AuditLogGroupName"))
                || !SeedData.JOURNAL_BUCKET.equals(outputs.get("JournalBucketName"))) {
            throw new SandboxException("The control plane stack " + STACK + " has other names than the sandbox writes into local.yaml: " + outputs);
        }
        return outputs;
    }
}
