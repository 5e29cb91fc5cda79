package io.discordination.ops.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A second (third, ...) operator of one sandbox: an IAM user in moto with an access key of its own,
 * so that two shells, or two processes of a test, are two caller identities on the same sandbox.
 * Made by {@link Sandbox#operator(String)} ({@code ops sandbox env --operator NAME}).
 *
 * <pre>{@code
 * SandboxOperator bob = sandbox.operator("bob");
 * new ProcessBuilder("./ops", "run", "rotate-secrets").environment().putAll(bob.environment());
 * }</pre>
 *
 * @param name            the IAM user's name
 * @param arn             its ARN, {@code arn:aws:iam::123456789012:user/NAME}: what {@code sts get-caller-identity} says
 * @param accessKeyId     its access key
 * @param secretAccessKey the key's secret
 * @param sandbox         the sandbox it works on
 */
public record SandboxOperator(String name, String arn, String accessKeyId, String secretAccessKey, SandboxInfo sandbox) {
    /** Read by the {@code local} environment's {@code aws.accessKeyId} ({@code ${OPS_SANDBOX_ACCESS_KEY_ID:-...}}). */
    public static final String ACCESS_KEY_VARIABLE = "OPS_SANDBOX_ACCESS_KEY_ID";
    /** Read by the {@code local} environment's {@code aws.secretAccessKey}. */
    public static final String SECRET_KEY_VARIABLE = "OPS_SANDBOX_SECRET_ACCESS_KEY";
    /** The environment every command uses when {@code --env} is not given. */
    public static final String ENVIRONMENT_VARIABLE = "OPS_ENV";

    /**
     * The variables of this operator's shell, in the order {@code ops sandbox env --operator} prints
     * them: the sandbox's ({@link SandboxInfo#exports()}) with this operator's AWS credentials, the
     * same credentials for the {@code local} environment, and {@code OPS_ENV} naming the sandbox's
     * environment file, so ops works on this sandbox whatever the shell's {@code OPS_HOME}.
     */
    public Map<String, String> exports() {
        Map<String, String> env = new LinkedHashMap<>(sandbox.exports());
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
        env.put(ACCESS_KEY_VARIABLE, accessKeyId);
        env.put(SECRET_KEY_VARIABLE, secretAccessKey);
        env.put(ENVIRONMENT_VARIABLE, sandbox.environmentFile().toString());
        return env;
    }

    /**
     * {@link #exports()} for a child process: put them into a {@link ProcessBuilder}'s environment
     * (and give it an {@code OPS_HOME} of its own) to run {@code ops} or {@code aws} as this operator.
     */
    public Map<String, String> environment() {
        return exports();
    }

    @Override
    public String toString() {
        return "SandboxOperator[" + name + ", " + arn + "]";
    }
}
