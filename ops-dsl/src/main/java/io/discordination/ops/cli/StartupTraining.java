package io.discordination.ops.cli;

import io.discordination.ops.ExitCode;
import io.discordination.ops.OpsPaths;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * The training run the launcher makes its start-up archive from: in one JVM, the commands an
 * on-call engineer starts most, so that the archive holds what plans and runs load (the picocli
 * model, the JShell and Groovy compilers and the compiled-script replay, the REPL up to its
 * prompt, the AWS SDK's ECS, Logs and RDS clients, Lettuce, pgjdbc, YAML and JSON) rather than
 * whatever the first command after a build happened to load. It plans against the local sandbox (starting it if needed); plans change
 * nothing. Output is discarded; a failing step fails the training, and the launcher then goes on
 * without an archive.
 *
 * <pre>{@code java -XX:ArchiveClassesAtExit=ops.jsa -cp ops.jar io.discordination.ops.cli.StartupTraining}</pre>
 */
public final class StartupTraining {
    /** Each a command line; {@code check} compiles every runbook, so the second plan replays from the compile cache. */
    static final List<List<String>> COMMANDS = List.of(
            List.of("--version"),
            List.of("list"),
            List.of("describe", "api-not-responding"),
            List.of("check"),
            List.of("plan", "api-not-responding"),
            List.of("plan", "api-not-responding"),
            List.of("plan", "flush-redis-cache", "--param", "scope=api-cache"),
            List.of("plan", "connection-pool-exhaustion"),
            List.of("plan", "api-not-responding", "--output", "json"),
            List.of("run", "--help"),
            // JShell's tool and compiler up to its first prompt; the input is /exit
            List.of("repl"));

    private StartupTraining() {
    }

    public static void main(String[] args) {
        // the installation's own runbooks, whatever folder a team points OPS_RUNBOOKS at
        System.setProperty("ops.runbooks", OpsPaths.projectRoot().resolve("runbooks").toString());
        PrintStream out = System.out;
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true);
        int failed = 0;
        for (List<String> command : COMMANDS) {
            String[] line = command.toArray(String[]::new);
            System.setOut(discard);
            System.setIn(new java.io.ByteArrayInputStream("/exit\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            int code;
            try {
                AwsWarmup.startEarly(line);
                code = OpsCommand.execute(line);
            } finally {
                System.setOut(out);
            }
            System.err.println("training: ops " + String.join(" ", command) + " -> exit " + code);
            if (code != ExitCode.OK.code()) failed++;
        }
        System.exit(failed == 0 ? ExitCode.OK.code() : ExitCode.FAILED.code());
    }
}
