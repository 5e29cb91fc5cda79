package io.discordination.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.runbook.testing.ProbeCliTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Ctrl-C during {@code ops run}: SIGINT to the JVM while an effect is in flight. */
class InterruptTest extends ProbeCliTest {

    @Test
    void run_whenInterruptedInsideAnEffect_journalsItAuditsItsEndPrintsTheResumeCommandAndExits130() throws Exception {
        Files.writeString(probeDir.resolve("block"), "");
        Process child = startWithSigintDefault("run", Cli.testRunbook("interrupt.jsh").toString(), "--env", env.toString());
        Path audit = cli.home().resolve("audit").resolve("test.jsonl");
        awaitAuditLines(audit, 3, child); // first: started, ok; second: started (and now blocked inside its code)

        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor()).isZero();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the run stops on SIGINT").isTrue();
        Cli.Result r = cli.finish(child);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(130);
        Path journal;
        try (var files = Files.list(cli.home().resolve("runs"))) {
            journal = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        String runId = journal.getFileName().toString().replace(".jsonl", "");
        assertThat(r.err()).contains("run " + runId + " interrupted in step 2 'Append while blocked'",
                "ops run interrupt --resume " + runId + " --env " + env);

        List<JsonNode> entries = lines(journal);
        JsonNode last = entries.get(entries.size() - 1);
        assertThat(last.get("event").asText()).isEqualTo("run-interrupted");
        assertThat(last.get("outcome").asText()).isEqualTo("interrupted");
        assertThat(last.get("title").asText()).isEqualTo("Append while blocked");
        assertThat(last.get("exitCode").asInt()).isEqualTo(130);

        List<JsonNode> records = lines(audit);
        assertThat(records).extracting(a -> a.get("event").asText() + " " + a.get("effect").get("verb").asText())
                .containsExactly("started append", "ok append", "started append-slowly", "interrupted append-slowly");
        assertThat(records.get(3).get("runId").asText()).isEqualTo(runId);

        // the printed command resumes it: the interrupted step runs again, the finished one is skipped
        Files.delete(probeDir.resolve("block"));
        Cli.Result resumed = cli.run("run", Cli.testRunbook("interrupt.jsh").toString(), "--env", env.toString(), "--resume", runId);
        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.out()).contains("1. First append  [action: skipped");
    }

    @Test
    void run_whenItFinishes_leavesNoInterruptRecord() throws Exception {
        Cli.Result r = cli.run("run", Cli.testRunbook("interrupt.jsh").toString(), "--env", env.toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(Files.readString(cli.home().resolve("audit").resolve("test.jsonl"))).doesNotContain("interrupted");
    }

    /**
     * Starts {@code ops args} in a child JVM the way a terminal does, with SIGINT at its default: a
     * test run from a background job inherits SIGINT ignored, and a JVM that starts with it ignored
     * never reacts to it. Python resets it, then becomes the JVM.
     */
    private Process startWithSigintDefault(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("python3", "-c",
                "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dops.root=" + Cli.projectRoot(), "-Dops.home=" + cli.home(), OpsCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("OPS_HOME");
        pb.redirectOutput(cli.home().resolve("child.out").toFile()).redirectError(cli.home().resolve("child.err").toFile());
        return pb.start();
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) nodes.add(Json.mapper().readTree(line));
        }
        return nodes;
    }

    private void awaitAuditLines(Path audit, int n, Process child) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            assertThat(child.isAlive()).as("the run ended early: " + (Files.exists(cli.home().resolve("child.err"))
                    ? Files.readString(cli.home().resolve("child.err")) : "")).isTrue();
            if (Files.exists(audit) && Files.readAllLines(audit).stream().filter(l -> !l.isBlank()).count() >= n) return;
            Thread.sleep(100);
        }
        throw new AssertionError("the audit never got " + n + " lines");
    }
}
