package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.runbook.testing.ProbeCliTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Journals and {@code --resume}: a run killed with SIGKILL in the middle of a step, resumed. */
class ResumeTest extends ProbeCliTest {

    @Test
    void resume_whenTheRunWasKilledInsideAStep_skipsFinishedActionsAndRunsTheRest() throws Exception {
        Files.writeString(probeDir.resolve("block"), "");
        Process child = cli.start("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "-p", "label=k");
        Path journal = awaitJournalLine("\"event\":\"step-started\",", "Blocking append", child);
        awaitMarkerLines(2, child);

        child.destroyForcibly(); // SIGKILL: no shutdown hook, no last journal line
        child.waitFor();
        assertThat(Files.readString(journal)).doesNotContain("run-finished");
        Files.delete(probeDir.resolve("block"));
        String runId = journal.getFileName().toString().replace(".jsonl", "");

        Cli.Result resumed = cli.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        // the first action finished before the kill and is not repeated; the interrupted one runs again
        assertThat(Files.readAllLines(probeDir.resolve("resume-marker"))).containsExactly("first k", "second k", "second k");
        assertThat(resumed.out()).contains("1. First append  [action: skipped, finished in run " + runId + "]",
                "3. Count the lines  [check]", "finished ok");
        assertThat(resumed.err()).contains("stopped inside step 'Blocking append'; it runs again");
        List<JsonNode> second = entries(newestJournalOtherThan(journal));
        assertThat(second.get(0).get("resumedFrom").asText()).isEqualTo(runId);
        assertThat(second.get(0).get("parameters").get("label").asText()).isEqualTo("k");
        assertThat(second).extracting(e -> e.get("event").asText() + (e.has("title") ? " " + e.get("title").asText() : ""))
                .containsExactly("run-started", "step-skipped First append", "step-started Blocking append",
                        "step-finished Blocking append", "step-started Count the lines", "step-finished Count the lines", "run-finished");
    }

    @Test
    void resume_whenTheRunbooksStepsChanged_refusesWithExitTwo() throws Exception {
        Path script = tmp.resolve("resume.jsh");
        Files.copy(Cli.testRunbook("resume.jsh"), script);
        // a run whose last step fails, after both actions finished
        String failing = Files.readString(script).replace("Probe.lines(\"resume-marker\").size()", "Probe.fail(\"broken\")");
        Files.writeString(script, failing);
        Cli.Result first = cli.run("run", script.toString(), "--env", env.toString());
        assertThat(first.exitCode()).as(first.all()).isEqualTo(1);
        String runId = first.out().replaceFirst("(?s).*Run (\\S+) failed.*", "$1");

        Files.writeString(script, failing.replace("\"First append\"", "\"First append, renamed\""));
        Cli.Result resumed = cli.run("run", script.toString(), "--env", env.toString(), "--resume", runId);

        assertThat(resumed.exitCode()).isEqualTo(2);
        assertThat(resumed.err()).contains("changed since run " + runId);
        assertThat(Files.readAllLines(probeDir.resolve("resume-marker"))).containsExactly("first x", "second x");
    }

    @Test
    void resume_whenOnlyTheCodeChanged_warnsAndRunsTheFixedStep() throws Exception {
        Path script = tmp.resolve("resume.jsh");
        String original = Files.readString(Cli.testRunbook("resume.jsh"));
        Files.writeString(script, original.replace("Probe.lines(\"resume-marker\").size()", "Probe.fail(\"broken\")"));
        Cli.Result first = cli.run("run", script.toString(), "--env", env.toString(), "-p", "label=y");
        assertThat(first.exitCode()).isEqualTo(1);
        String runId = first.out().replaceFirst("(?s).*Run (\\S+) failed.*", "$1");

        Files.writeString(script, original);
        Cli.Result resumed = cli.run("run", script.toString(), "--env", env.toString(), "--resume", runId);

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.err()).contains("was edited since run " + runId);
        assertThat(resumed.out()).contains("[action: skipped", "3. Count the lines  [check]", "   2\n");
        assertThat(Files.readAllLines(probeDir.resolve("resume-marker"))).containsExactly("first y", "second y");
    }

    @Test
    void resume_whenGivenADifferentParameter_refusesWithExitTwo() throws Exception {
        Path script = tmp.resolve("resume.jsh");
        Files.writeString(script, Files.readString(Cli.testRunbook("resume.jsh")).replace("Probe.lines(\"resume-marker\").size()", "Probe.fail(\"broken\")"));
        Cli.Result first = cli.run("run", script.toString(), "--env", env.toString(), "-p", "label=one");
        String runId = first.out().replaceFirst("(?s).*Run (\\S+) failed.*", "$1");

        Cli.Result resumed = cli.run("run", script.toString(), "--env", env.toString(), "--resume", runId, "-p", "label=two");

        assertThat(resumed.exitCode()).isEqualTo(2);
        assertThat(resumed.err()).contains("parameter 'label' was 'one' in run " + runId);
    }

    @Test
    void resume_whenTheRunWasResumedBefore_refusesWithExitTwoNamingTheSuccessor() throws Exception {
        Path script = failingResumeScript();
        Cli.Result first = cli.run("run", script.toString(), "--env", env.toString());
        String runId = runIdOf(first, "failed");
        Cli.Result second = cli.run("run", script.toString(), "--env", env.toString(), "--resume", runId);
        assertThat(second.exitCode()).as(second.all()).isEqualTo(1);
        String successor = runIdOf(second, "failed");

        Cli.Result again = cli.run("run", script.toString(), "--env", env.toString(), "--resume", runId);

        assertThat(again.exitCode()).as(again.all()).isEqualTo(2);
        assertThat(again.err()).contains("run " + runId + " was resumed already, by run " + successor,
                "--resume " + successor);
        assertThat(entries(cli.home().resolve("runs").resolve(runId + ".jsonl")))
                .filteredOn(e -> e.get("event").asText().equals("resumed-by")).extracting(e -> e.get("resumedBy").asText())
                .containsExactly(successor);
        // the actions ran once, in the first run: neither resume repeated them
        assertThat(Files.readAllLines(probeDir.resolve("resume-marker"))).containsExactly("first x", "second x");
        Cli.Result ofTheSuccessor = cli.run("run", script.toString(), "--env", env.toString(), "--resume", successor);
        assertThat(ofTheSuccessor.exitCode()).as(ofTheSuccessor.all()).isEqualTo(1);
        assertThat(ofTheSuccessor.out()).contains("resuming " + successor);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a second run that is let through blocks in the step the first holds
    void resume_whileTheRunOrAnotherResumeOfItGoesOn_refusesWithExitThree() throws Exception {
        Files.writeString(probeDir.resolve("block"), "");
        Process original = cli.start("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "-p", "label=k");
        Process resuming = null;
        try {
            Path journal = awaitJournalLine("\"event\":\"step-started\",", "Blocking append", original);
            String runId = journal.getFileName().toString().replace(".jsonl", "");

            Cli.Result whileRunning = cli.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);
            assertThat(whileRunning.exitCode()).as(whileRunning.all()).isEqualTo(3);
            assertThat(whileRunning.err()).contains("run " + runId + " is in progress right now", "run " + runId + " of resume");

            awaitMarkerLines(2, original);
            original.destroyForcibly();
            original.waitFor();
            // the first resume stops inside the blocking step again, holding the run
            resuming = cli.start("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);
            awaitMarkerLines(3, resuming);

            Cli.Result concurrent = cli.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);

            assertThat(concurrent.exitCode()).as(concurrent.all()).isEqualTo(3);
            assertThat(concurrent.err()).contains("run " + runId + " is in progress right now", "being resumed");
            Files.delete(probeDir.resolve("block"));
            assertThat(resuming.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(resuming.exitValue()).as(cli.finish(resuming).all()).isZero();
            // the interrupted append ran again once, by the one resume that went ahead
            assertThat(Files.readAllLines(probeDir.resolve("resume-marker"))).containsExactly("first k", "second k", "second k");
        } finally {
            original.destroyForcibly(); // never leave a child blocked on the probe's file
            if (resuming != null) resuming.destroyForcibly();
        }
    }

    @Test
    void resume_whenTheJournalIsEmptyTornOrNotText_exitsTwoWithOneLine() throws Exception {
        Path runs = Files.createDirectories(cli.home().resolve("runs"));
        Files.write(runs.resolve("empty-run.jsonl"), new byte[0]);
        Files.writeString(runs.resolve("torn-run.jsonl"), "{\"time\":\"2026-01-01T00:00:00Z\",\"event\":\"run-sta");
        Files.write(runs.resolve("binary-run.jsonl"), new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3, '\n', (byte) 0x80, (byte) 0xe2});

        for (String runId : List.of("empty-run", "torn-run", "binary-run")) {
            Cli.Result r = cli.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);

            assertThat(r.exitCode()).as(runId + ": " + r.all()).isEqualTo(2);
            assertThat(r.err()).as(runId).contains("has no readable run-started line").doesNotContain("Exception");
            assertThat(r.err().lines().count()).as(runId + ": " + r.err()).isEqualTo(1);
        }
        assertThat(probeDir.resolve("resume-marker")).doesNotExist();
    }

    @Test
    void resume_whenTheEnvironmentFileChangedOrIsAnotherOfTheSameName_refusesWithExitTwo() throws Exception {
        Path script = failingResumeScript();
        String runId = runIdOf(cli.run("run", script.toString(), "--env", env.toString()), "failed");
        Path elsewhere = Cli.probeEnvironment(Files.createDirectories(tmp.resolve("elsewhere")));
        assertThat(elsewhere.getFileName()).isEqualTo(env.getFileName());

        Cli.Result otherFile = cli.run("run", script.toString(), "--env", elsewhere.toString(), "--resume", runId);
        Files.writeString(env, Files.readString(env) + "s3:\n  bucket: changed\n");
        Cli.Result changed = cli.run("run", script.toString(), "--env", env.toString(), "--resume", runId);

        assertThat(otherFile.exitCode()).as(otherFile.all()).isEqualTo(2);
        assertThat(otherFile.err()).contains("ran with the environment file " + env.toAbsolutePath(), "not " + elsewhere.toAbsolutePath());
        assertThat(changed.exitCode()).as(changed.all()).isEqualTo(2);
        assertThat(changed.err()).contains("the environment file " + env.toAbsolutePath() + " changed since run " + runId);
        assertThat(Files.readAllLines(probeDir.resolve("resume-marker"))).containsExactly("first x", "second x");
        assertThat(elsewhere.resolveSibling("probe").resolve("resume-marker")).doesNotExist();
    }

    @Test
    void resume_whenTheActionWasSkipped_restoresItsResultForTheVerifyStep() throws Exception {
        Files.writeString(probeDir.resolve("fail"), "fail\n");
        Cli.Result first = cli.run("run", Cli.testRunbook("resume-result.jsh").toString(), "--env", env.toString());
        assertThat(first.exitCode()).as(first.all()).isEqualTo(1);
        String runId = runIdOf(first, "failed");
        Files.delete(probeDir.resolve("fail"));

        Cli.Result resumed = cli.run("run", Cli.testRunbook("resume-result.jsh").toString(), "--env", env.toString(), "--resume", runId);

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.out()).contains("[action: skipped, finished in run " + runId + "]", "held after 1 attempt");
        assertThat(Files.readAllLines(probeDir.resolve("result-marker"))).hasSize(1);
        JsonNode journaled = entries(cli.home().resolve("runs").resolve(runId + ".jsonl")).stream()
                .filter(e -> e.get("event").asText().equals("step-finished")).findFirst().orElseThrow().get("result");
        assertThat(journaled.get("value").get("@class").asText()).isEqualTo("io.discordination.ops.runbook.testing.Probe$Appended");
    }

    private Path failingResumeScript() throws IOException {
        Path script = tmp.resolve("resume.jsh");
        Files.writeString(script, Files.readString(Cli.testRunbook("resume.jsh"))
                .replace("Probe.lines(\"resume-marker\").size()", "Probe.fail(\"broken\")"));
        return script;
    }

    private static String runIdOf(Cli.Result r, String outcome) {
        assertThat(r.out()).as(r.all()).containsPattern("Run \\S+ " + outcome);
        return r.out().replaceFirst("(?s).*Run (\\S+) " + outcome + ".*", "$1");
    }

    private Path awaitJournalLine(String event, String title, Process child) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        Path runs = cli.home().resolve("runs");
        while (Instant.now().isBefore(deadline)) {
            assertThat(child.isAlive()).as("the run ended early: " + (Files.exists(cli.home().resolve("child.err"))
                    ? Files.readString(cli.home().resolve("child.err")) : "")).isTrue();
            if (Files.isDirectory(runs)) {
                try (Stream<Path> files = Files.list(runs)) {
                    for (Path f : files.toList()) {
                        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                            if (line.contains(event) && line.contains("\"title\":\"" + title + "\"")) return f;
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + event + " " + title + " in the journal");
    }

    private void awaitMarkerLines(int n, Process child) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        Path marker = probeDir.resolve("resume-marker");
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(marker) && Files.readAllLines(marker).size() >= n) return;
            assertThat(child.isAlive()).isTrue();
            Thread.sleep(50);
        }
        throw new AssertionError("the marker did not get " + n + " lines");
    }

    private Path newestJournalOtherThan(Path first) throws IOException {
        try (Stream<Path> files = Files.list(first.getParent())) {
            return files.filter(f -> !f.equals(first)).findFirst().orElseThrow();
        }
    }

    private static List<JsonNode> entries(Path journal) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(journal)) out.add(Json.mapper().readTree(line));
        return out;
    }
}
