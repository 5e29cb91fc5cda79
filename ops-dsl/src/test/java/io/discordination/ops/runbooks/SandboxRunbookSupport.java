package io.discordination.ops.runbooks;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What every runbook test needs: the real scripts in {@code runbooks/} planned and run through the
 * {@code ops} command line against the sandbox (in this JVM, or as a child process without a
 * terminal for the refusals), and AWS SDK clients of the sandbox built here to check the effects.
 * Each area's support class adds its own independent clients.
 */
abstract class SandboxRunbookSupport {
    protected final SandboxInfo sandbox;
    private final Cli cli;
    private final Duration childTimeout;

    /** {@code home} is the OPS_HOME of the calls: one per test class, so each script compiles once for the class. */
    SandboxRunbookSupport(SandboxInfo sandbox, Path home, Duration childTimeout) {
        this.sandbox = sandbox;
        this.cli = new Cli(home, Cli.projectRoot());
        this.childTimeout = childTimeout;
    }

    /** A runbook of the project by its path under {@code runbooks/}, such as {@code jshell/cleanup-run.jsh}. */
    static String file(String pathUnderRunbooks) {
        return Cli.projectRoot().resolve("runbooks").resolve(pathUnderRunbooks).toString();
    }

    SandboxInfo sandbox() {
        return sandbox;
    }

    /** {@code ops plan RUNBOOK --env <sandbox> --param p...}; the runbook is a name or a file. */
    Cli.Result plan(String runbook, String... params) {
        return cli.run(args("plan", runbook, false, params).toArray(String[]::new));
    }

    /** {@code ops plan ... --output json}. */
    Cli.Result planJson(String runbook, String... params) {
        List<String> a = args("plan", runbook, false, params);
        a.addAll(List.of("--output", "json"));
        return cli.run(a.toArray(String[]::new));
    }

    /** {@code ops --debug plan ... --output json}: the JSON on stdout, each step's calls on stderr. */
    Cli.Result planJsonDebug(String runbook, String... params) {
        List<String> a = new ArrayList<>(List.of("--debug"));
        a.addAll(args("plan", runbook, false, params));
        a.addAll(List.of("--output", "json"));
        return cli.run(a.toArray(String[]::new));
    }

    /** {@code ops run RUNBOOK --env <sandbox> --yes --param p...}. */
    Cli.Result run(String runbook, String... params) {
        return cli.run(args("run", runbook, true, params).toArray(String[]::new));
    }

    /** {@code ops run} without {@code --yes} in this JVM (no terminal here either): for runbooks with nothing to confirm. */
    Cli.Result runWithoutYes(String runbook, String... params) {
        return cli.run(args("run", runbook, false, params).toArray(String[]::new));
    }

    /** {@code ops run RUNBOOK --env <sandbox> --yes --resume RUN_ID}: the same parameters as that run. */
    Cli.Result resume(String runbook, String runId) {
        List<String> a = args("run", runbook, true);
        a.addAll(List.of("--resume", runId));
        return cli.run(a.toArray(String[]::new));
    }

    /**
     * Cuts the journal of the run that printed {@code r} right after the step-finished line of
     * {@code stepTitle}: what a run killed just after that step leaves, on disk and in the registry's
     * journal prefix (the sandbox has a registry: a killed run's copy there ends where the local one
     * does, and a resume reads the longer of the two). Returns the run id.
     */
    String cutJournalAfter(Cli.Result r, String stepTitle) {
        String runId = cutLocalJournalAfter(r, stepTitle);
        Path file = Path.of(r.out().replaceFirst("(?s).*Journal: (\\S+).*", "$1"));
        try (software.amazon.awssdk.services.s3.S3Client s3 = aws(software.amazon.awssdk.services.s3.S3Client.builder().forcePathStyle(true))) {
            s3.putObject(b -> b.bucket(io.discordination.ops.sandbox.SeedData.JOURNAL_BUCKET).key(io.discordination.ops.sandbox.SeedData.JOURNAL_PREFIX + runId + ".jsonl"),
                    software.amazon.awssdk.core.sync.RequestBody.fromFile(file));
        }
        return runId;
    }

    private static String cutLocalJournalAfter(Cli.Result r, String stepTitle) {
        String journal = r.out().replaceFirst("(?s).*Journal: (\\S+).*", "$1");
        Path file = Path.of(journal);
        try {
            List<String> kept = new ArrayList<>();
            for (String line : java.nio.file.Files.readAllLines(file)) {
                kept.add(line);
                if (line.contains("\"event\":\"step-finished\"") && line.contains("\"title\":\"" + stepTitle + "\"")) {
                    java.nio.file.Files.write(file, kept);
                    return file.getFileName().toString().replace(".jsonl", "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no step-finished line for '" + stepTitle + "' in " + file);
    }

    /** {@code ops undo RUN_ID --env <sandbox> extra...}. */
    Cli.Result undo(String runId, String... extra) {
        List<String> a = new ArrayList<>(List.of("undo", runId, "--env", sandbox.environmentFile().toString()));
        a.addAll(List.of(extra));
        return cli.run(a.toArray(String[]::new));
    }

    /** The id of the run that printed {@code r}, from its {@code Journal:} line. */
    static String runId(Cli.Result r) {
        String journal = r.out().replaceFirst("(?s).*Journal: (\\S+).*", "$1");
        return Path.of(journal).getFileName().toString().replace(".jsonl", "");
    }

    /** {@code ops run} without {@code --yes} in a child process whose standard input is a pipe: no terminal to confirm on. */
    Cli.Result runWithoutTerminal(String runbook, String... params) {
        try {
            Process p = cli.start(args("run", runbook, false, params).toArray(String[]::new));
            p.getOutputStream().close();
            if (!p.waitFor(childTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("ops run " + runbook + " did not finish within " + childTimeout.toMinutes() + " minutes");
            }
            return cli.finish(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An AWS SDK client of the sandbox, built here: {@code aws(EcsClient.builder())}. */
    <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C aws(B builder) {
        return builder.endpointOverride(URI.create(sandbox.awsEndpoint()))
                .region(Region.of(sandbox.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(sandbox.accessKeyId(), sandbox.secretAccessKey())))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    private List<String> args(String command, String runbook, boolean yes, String... params) {
        List<String> a = new ArrayList<>(List.of(command, runbook, "--env", sandbox.environmentFile().toString()));
        if (yes) a.add("--yes");
        for (String p : params) a.addAll(List.of("--param", p));
        return a;
    }
}
