package io.discordination.ops.aws;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns AWS SDK failures into {@link OpsException}s that say what to do: which IAM permission is
 * missing, which name was not found in which environment, that throttling outlasted the SDK's
 * retries, or that the endpoint (the sandbox) cannot be reached. The one place where AWS errors
 * are mapped; every handle calls AWS through {@link #call}.
 *
 * <pre>{@code
 * AwsErrors aws = AwsErrors.of(context.environment(), "ecs");
 * var out = aws.call("ecs:DescribeServices", "ECS service api in cluster discordination-prod",
 *         () -> ecs.describeServices(request));
 * }</pre>
 */
public final class AwsErrors {
    private static final Set<String> ACCESS_DENIED = Set.of(
            "accessdenied", "accessdeniedexception", "unauthorizedoperation", "unauthorized",
            "authorizationerror", "notauthorized", "forbidden", "authfailure");
    private static final Set<String> BAD_CREDENTIALS = Set.of(
            "unrecognizedclientexception", "invalidclienttokenid", "expiredtoken", "expiredtokenexception",
            "invalidsignatureexception", "signaturedoesnotmatch", "invalidaccesskeyid", "missingauthenticationtoken");
    private static final Set<String> NOT_FOUND = Set.of(
            "resourcenotfoundexception", "resourcenotfound", "nosuchkey", "nosuchbucket", "nosuchversion",
            "nosuchentity", "notfound", "dbinstancenotfound", "dbinstancenotfoundfault", "dbsnapshotnotfound",
            "dbsnapshotnotfoundfault", "servicenotfoundexception", "clusternotfoundexception",
            "wafnonexistentitemexception", "loggroupnotfound", "nosuchresource");

    private final HandleContext.Place environment;
    private final String service;

    private AwsErrors(HandleContext.Place environment, String service) {
        this.environment = environment;
        this.service = service;
    }

    /** Errors of one AWS service ({@code ecs}, {@code rds}, ...) in {@code environment}. */
    public static AwsErrors of(HandleContext.Place environment, String service) {
        return new AwsErrors(environment, service);
    }

    /**
     * Runs one AWS call. {@code action} is the IAM action ({@code ecs:UpdateService}), named in an
     * access-denied error; {@code resource} says what was addressed, for a not-found error.
     */
    public <T> T call(String action, String resource, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw translate(action, resource, e);
        }
    }

    /** The OpsException that explains {@code e}; an OpsException passes through unchanged. */
    public OpsException translate(String action, String resource, Throwable e) {
        if (e instanceof OpsException ops) return ops;
        String env = environment.name();
        if (e instanceof AwsServiceException aws) {
            String code = aws.awsErrorDetails() == null || aws.awsErrorDetails().errorCode() == null ? ""
                    : aws.awsErrorDetails().errorCode();
            String lower = code.toLowerCase(Locale.ROOT);
            String message = aws.awsErrorDetails() == null ? aws.getMessage() : aws.awsErrorDetails().errorMessage();
            if (aws.isThrottlingException()) {
                int attempts = aws.numAttempts() == null ? 1 : aws.numAttempts();
                return base("AWS is still throttling " + action + " after " + attempts + " attempts (" + code + ")", resource)
                        .hint("wait a minute and run it again; if it persists, look for another process calling " + action
                                + " in a loop or ask for a higher quota").cause(e).build();
            }
            if (ACCESS_DENIED.contains(lower) || (aws.statusCode() == 403 && !BAD_CREDENTIALS.contains(lower))) {
                return base("Access denied: " + action + " on " + resource, resource)
                        .hint("the AWS identity in use needs the IAM permission " + action
                                + " on this resource (check AWS_PROFILE; `aws sts get-caller-identity` shows who you are)")
                        .cause(e).accessDenied();
            }
            if (BAD_CREDENTIALS.contains(lower)) {
                return base("AWS rejected the credentials (" + code + ") calling " + action, resource)
                        .hint("refresh them (aws sso login, or a new AWS_PROFILE session) and try again").cause(e).accessDenied();
            }
            if (isNotFound(lower, aws)) {
                return base("Not found: " + resource + " in environment " + env + " (" + code + ")", resource)
                        .hint("check the name, and the entry in " + environment.source()).cause(e).notFound();
            }
            return base(action + " failed on " + resource + ": " + code + (message == null ? "" : ": " + message), resource)
                    .cause(e).build();
        }
        if (e instanceof SdkClientException client) {
            Throwable root = unreachableCause(client);
            if (root != null) {
                return environment.aws().endpoint().optional()
                        .map(url -> base("Cannot reach the AWS endpoint " + url + " (" + root.getClass().getSimpleName() + ")", resource)
                                .hint("is the sandbox up? (ops sandbox status)").cause(e).build())
                        .orElseGet(() -> base("Cannot reach AWS " + service + " in " + environment.aws().regionOrDefault()
                                + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")", resource)
                                .hint("check the network, proxy and region").cause(e).build());
            }
            String msg = String.valueOf(client.getMessage());
            if (msg.contains("Unable to load credentials") || msg.contains("credentials")) {
                return base("No AWS credentials for " + action, resource)
                        .hint("set AWS_PROFILE (or aws.profile in " + environment.source() + ") or run aws sso login")
                        .cause(e).accessDenied();
            }
            return base(action + " failed on " + resource + ": " + msg, resource).cause(e).build();
        }
        return base(action + " failed on " + resource + ": " + e.getMessage(), resource).cause(e).build();
    }

    /** True if {@code e} is a not-found error of any AWS service. */
    public static boolean isNotFound(Throwable e) {
        if (!(e instanceof AwsServiceException aws)) return false;
        String code = aws.awsErrorDetails() == null || aws.awsErrorDetails().errorCode() == null ? ""
                : aws.awsErrorDetails().errorCode();
        return isNotFound(code.toLowerCase(Locale.ROOT), aws);
    }

    private static boolean isNotFound(String lowerCode, AwsServiceException e) {
        String type = e.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        return NOT_FOUND.contains(lowerCode) || e.statusCode() == 404
                || type.endsWith("notfoundexception") || type.endsWith("notfoundfault") || type.startsWith("nosuch")
                || type.contains("nonexistent");
    }

    private OpsException.Builder base(String what, String resource) {
        return OpsException.builder(what).service(service).environment(environment.name()).resource(resource);
    }

    private static Throwable unreachableCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException) {
                return t;
            }
            if (t.getCause() == t) break;
        }
        return null;
    }
}
