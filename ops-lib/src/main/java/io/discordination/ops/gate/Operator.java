package io.discordination.ops.gate;

/**
 * Who acts: the OS user, and the AWS caller identity (an ARN) when the effect goes to AWS.
 *
 * <pre>{@code new Operator(System.getProperty("user.name"), "arn:aws:iam::123456789012:user/alice")}</pre>
 */
public record Operator(String user, String aws) {
    public static Operator osUser() {
        return new Operator(System.getProperty("user.name"), null);
    }

    public Operator withAws(String aws) {
        return new Operator(user, aws);
    }
}
