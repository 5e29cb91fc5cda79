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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a run promises when it stops early or meets another run: policies refuse before the first
 * effect, a refusal after a change names the change, two runs never change one target at once,
 * {@code --debug} shows the failed step's stack trace, and a torn audit log still reads. Through
 * the {@code ops} command line, with the probe's files as the independent check.
 */
class RunSafetyTest extends ProbeCliTest {

    @Test
    void run_whenAPolicyRefuses_exitsThreeBeforeTheFirstStepAndAuditsTheRefusal() throws Exception {
        Cli.Result r = cli.run("run", Cli.testRunbook("policy.jsh").toString(), "--env", env.toString(), "--yes");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("refused before step 1: Refused: preflight runbook policy: allow must be yes: allow is no",
                "nothing was changed");
        assertThat(r.out()).contains("refused before step 1 (exit 3)", "Nothing was changed by this run.")
                .doesNotContain("1. Append");
        assertThat(probeDir.resolve("policy-marker")).doesNotExist();
        List<JsonNode> audit = audit("test");
        assertThat(audit).extracting(a -> a.get("event").asText()).containsExactly("refused");
        assertThat(audit.get(0).get("reason").asText()).isEqualTo("allow must be yes: allow is no");
        assertThat(audit.get(0).get("runId").asText()).isEqualTo(r.out().replaceFirst("(?s).*Run (\\S+) refused.*", "$1"));

        Cli.Result plan = cli.run("plan", Cli.testRunbook("policy.jsh").toString(), "--env", env.toString());
        assertThat(plan.exitCode()).as(plan.all()).isEqualTo(3);
        assertThat(plan.out()).contains("Plan refused before step 1");

        Cli.Result allowed = cli.run("run", Cli.testRunbook("policy.jsh").toString(), "--env", env.toString(), "--yes", "-p", "allow=yes");
        assertThat(allowed.exitCode()).as(allowed.all()).isZero();
        assertThat(Files.readAllLines(probeDir.resolve("policy-marker"))).containsExactly("changed");
    }

    @Test
    void run_whenAGroovyPolicyRefuses_exitsThreeAndChangesNothing() throws Exception {
        Cli.Result r = cli.run("run", Cli.testRunbook("policy.groovy").toString(), "--env", env.toString(), "--yes");
        Cli.Result allowed = cli.run("run", Cli.testRunbook("policy.groovy").toString(), "--env", env.toString(), "--yes",
                "-p", "allow=yes");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("refused before step 1: Refused: preflight runbook policy: allow must be yes: allow is no");
        assertThat(allowed.exitCode()).as(allowed.all()).isZero();
        assertThat(Files.readAllLines(probeDir.resolve("policy-marker"))).containsExactly("changed");
    }

    @Test
    void run_whenRefusedAfterAnEarlierStepChangedSomething_listsTheChangeAndNeverSaysNothingChanged() throws Exception {
        // no terminal in this JVM and no --yes: the destructive second append is refused, after the first one happened
        Cli.Result r = cli.run("run", Cli.testRunbook("two-effects.jsh").toString(), "--env", env.toString());

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(Files.readAllLines(probeDir.resolve("two-marker"))).containsExactly("first");
        Path marker = probeDir.resolve("two-marker");
        assertThat(r.all()).doesNotContainIgnoringCase("nothing was changed");
        assertThat(r.err()).contains("already changed before this refusal: append file " + marker);
        assertThat(r.out()).contains("refused at step 2 (exit 3)", "Changed by this run before it stopped:\n  - append file " + marker);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a second run that is let through blocks inside the held effect
    void run_whenAnotherProcessIsChangingTheSameTarget_isRefusedNamingThatRun() throws Exception {
        Files.writeString(probeDir.resolve("block"), "");
        Process holder = cli.start("run", Cli.testRunbook("hold.jsh").toString(), "--env", env.toString(), "-p", "label=a");
        try {
            Path marker = probeDir.resolve("lock-marker");
            Cli.awaitLines(marker, 1, holder);
            String holderRun = onlyJournal().getFileName().toString().replace(".jsonl", "");

            Cli.Result second = cli.run("run", Cli.testRunbook("hold.jsh").toString(), "--env", env.toString(), "-p", "label=b");

            assertThat(second.exitCode()).as(second.all()).isEqualTo(3);
            assertThat(second.err()).contains("Refused: append file " + marker + ": test:file " + marker + " is held by ",
                    "(runbook hold on host ", ", run " + holderRun + ")", "two runs never change one target at once");
            assertThat(Files.readAllLines(marker)).containsExactly("a");
            assertThat(audit("test")).extracting(a -> a.get("event").asText() + " " + a.get("runId").asText())
                    .contains("refused " + second.out().replaceFirst("(?s).*Run (\\S+) refused.*", "$1"));

            Files.delete(probeDir.resolve("block"));
            assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(holder.exitValue()).as(cli.finish(holder).all()).isZero();
            // once the first run let go, the target is free again
            Cli.Result after = cli.run("run", Cli.testRunbook("hold.jsh").toString(), "--env", env.toString(), "-p", "label=c");
            assertThat(after.exitCode()).as(after.all()).isZero();
            assertThat(Files.readAllLines(marker)).containsExactly("a", "c");
        } finally {
            holder.destroyForcibly(); // never leave a child blocked on the probe's file
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void run_whenTheHolderOfALocalLeaseIsKilled_theNextRunTakesTheTargetAtOnce() throws Exception {
        Files.writeString(probeDir.resolve("block"), "");
        Process holder = cli.start("run", Cli.testRunbook("hold.jsh").toString(), "--env", env.toString(), "-p", "label=a");
        Path marker = probeDir.resolve("lock-marker");
        try {
            Cli.awaitLines(marker, 1, holder);
        } finally {
            holder.destroyForcibly(); // kill -9: the OS drops its lock, there is nothing to wait for
        }
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Files.delete(probeDir.resolve("block"));

        Cli.Result next = cli.run("run", Cli.testRunbook("hold.jsh").toString(), "--env", env.toString(), "-p", "label=b");

        assertThat(next.exitCode()).as(next.all()).isZero();
        assertThat(Files.readAllLines(marker)).containsExactly("a", "b");
    }

    @Test
    void run_withDebug_whenAStepFails_printsTheStackTraceAfterTheErrorLine() {
        Cli.Result plain = cli.run("run", Cli.testRunbook("broken-step.jsh").toString(), "--env", env.toString());
        Cli.Result debug = cli.run("--debug", "run", Cli.testRunbook("broken-step.jsh").toString(), "--env", env.toString());

        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.err()).doesNotContain("\tat ");
        assertThat(debug.exitCode()).isEqualTo(1);
        assertThat(debug.err()).contains("'Breaks' failed: IllegalStateException: the probe broke",
                "java.lang.IllegalStateException: the probe broke", "\tat io.discordination.ops.runbook.testing.Probe.fail");
    }

    @Test
    void audit_whenTheLastLineIsCutInsideAUtf8Character_showsTheRestAndWarns() throws Exception {
        Cli.Result run = cli.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "-p", "label=é");
        assertThat(run.exitCode()).as(run.all()).isZero();
        Path log = cli.home().resolve("audit").resolve("test.jsonl");
        byte[] torn = "{\"time\":\"2026-01-01T00:00:00Z\",\"event\":\"started\",\"reason\":\"é".getBytes(StandardCharsets.UTF_8);
        Files.write(log, Arrays.copyOf(torn, torn.length - 1), java.nio.file.StandardOpenOption.APPEND);

        Cli.Result r = cli.run("audit", "--env", "test");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("append file " + probeDir.resolve("resume-marker"));
        assertThat(r.out().lines().filter(l -> l.contains("started")).count()).isEqualTo(2);
        assertThat(r.err()).contains("ops: warning: skipped line 5 of " + log);
    }

    private List<JsonNode> audit(String environment) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Path log = cli.home().resolve("audit").resolve(environment + ".jsonl");
        if (!Files.exists(log)) return out;
        for (String line : Files.readAllLines(log)) out.add(Json.mapper().readTree(line));
        return out;
    }

    private Path onlyJournal() throws IOException {
        try (Stream<Path> files = Files.list(cli.home().resolve("runs"))) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }
}
