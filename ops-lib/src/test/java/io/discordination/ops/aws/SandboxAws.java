package io.discordination.ops.aws;

import io.discordination.ops.OpsContext;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Mode;
import io.discordination.ops.sandbox.SandboxInfo;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * For tests of the AWS handles: contexts on the sandbox's {@code local} environment, and
 * independent ways to check effects (AWS SDK clients built here, the {@code aws} CLI).
 */
public final class SandboxAws {
    private SandboxAws() {
    }

    /** Executes, approving destructive effects (as {@code --yes}). */
    public static OpsContext context(SandboxInfo info, Path home) {
        return context(info, home, Confirmer.nonInteractive(true, null), Mode.EXECUTE);
    }

    public static OpsContext context(SandboxInfo info, Path home, Confirmer confirmer, Mode mode) {
        return OpsContext.builder().environment(Environment.load(info.environmentFile())).opsHome(home)
                .confirmer(confirmer).mode(mode).build();
    }

    /**
     * Executes, approving destructive effects, on the sandbox's environment without its {@code registry:}
     * section: team state (leases, the audit trail) stays in {@code home}. Contexts in different homes
     * then take no lease from one another, so a test can make many writers of one target race, as other
     * tools (or ops without a registry) do; with the registry, runs never overlap on one target.
     */
    public static OpsContext contextWithoutRegistry(SandboxInfo info, Path home) {
        try {
            List<String> kept = new ArrayList<>();
            boolean inRegistry = false;
            for (String line : Files.readAllLines(info.environmentFile())) {
                if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0))) inRegistry = line.startsWith("registry:");
                if (!inRegistry) kept.add(line);
            }
            Files.createDirectories(home);
            Path file = Files.write(home.resolve("local-without-registry.yaml"), kept);
            return OpsContext.builder().environment(Environment.load(file)).opsHome(home)
                    .confirmer(Confirmer.nonInteractive(true, null)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Executes with no one to confirm: every destructive effect is refused. */
    public static OpsContext refusingContext(SandboxInfo info, Path home) {
        return context(info, home, Confirmer.nonInteractive(false, null), Mode.EXECUTE);
    }

    public static OpsContext dryRunContext(SandboxInfo info, Path home) {
        return context(info, home, Confirmer.nonInteractive(false, null), Mode.DRY_RUN);
    }

    /** An SDK client of the sandbox built here, not through OpsContext: {@code client(info, EcsClient.builder())}. */
    public static <B extends AwsClientBuilder<B, C>, C> C client(SandboxInfo info, B builder) {
        builder.endpointOverride(URI.create(info.awsEndpoint()))
                .region(Region.of(info.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(info.accessKeyId(), info.secretAccessKey())));
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(UrlConnectionHttpClient.builder());
        }
        return builder.build();
    }

    /** Runs the {@code aws} CLI against the sandbox and returns its standard output; fails on a non-zero exit. */
    public static String cli(SandboxInfo info, String... args) {
        List<String> command = new ArrayList<>();
        command.add("aws");
        command.add("--endpoint-url");
        command.add(info.awsEndpoint());
        command.add("--region");
        command.add(info.region());
        command.add("--output");
        command.add("json");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        pb.environment().put("AWS_ACCESS_KEY_ID", info.accessKeyId());
        pb.environment().put("AWS_SECRET_ACCESS_KEY", info.secretAccessKey());
        pb.environment().remove("AWS_PROFILE");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("aws " + String.join(" ", args) + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("aws " + String.join(" ", args) + " failed (" + p.exitValue() + "): "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot run the aws CLI: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
