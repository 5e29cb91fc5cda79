package io.discordination.ops.runbook;

import io.discordination.ops.Json;
import io.discordination.ops.OpsContext;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.runbook.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two runbook runs in one JVM at once (an embedding service serving two requests): a plan in one
 * environment and a run in another, on two threads, each seeing only its own environment, plan,
 * files and audit, also from a thread a step starts.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConcurrentRunsTest {
    @TempDir
    Path tmp;

    @Test
    void run_whenAPlanAndARunGoOnAtOnceInOneJvm_eachSeesOnlyItsOwnContext() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Runbook runbook;
        try (RunbookLoader loader = new RunbookLoader(Cli.testRunbook("two-contexts.jsh").getParent(), ScriptCache.none())) {
            runbook = loader.load(Cli.testRunbook("two-contexts.jsh"));
        }
        ExecutorService requests = Executors.newFixedThreadPool(2);
        try (OpsContext alpha = context("alpha", home, true); OpsContext beta = context("beta", home, false)) {
            CompletableFuture<RunReport> plan = CompletableFuture.supplyAsync(
                    () -> new RunbookRunner(alpha, null).run(runbook, runbook.bind(Map.of()), null), requests);
            CompletableFuture<RunReport> run = CompletableFuture.supplyAsync(
                    () -> new RunbookRunner(beta, null).run(runbook, runbook.bind(Map.of()), null), requests);

            RunReport planned = plan.get(90, TimeUnit.SECONDS);
            RunReport ran = run.get(90, TimeUnit.SECONDS);

            assertThat(planned.ok()).as(String.valueOf(planned.error())).isTrue();
            assertThat(ran.ok()).as(String.valueOf(ran.error())).isTrue();
            assertThat(planned.environment()).isEqualTo("alpha");
            assertThat(planned.steps()).extracting(RunReport.StepReport::resultText).containsExactly(
                    "alpha", "Appended[file=" + probe("alpha") + "/seen, line=appended in alpha, planned=true]", "alpha");
            assertThat(ran.steps()).extracting(RunReport.StepReport::resultText).containsExactly(
                    "beta", "Appended[file=" + probe("beta") + "/seen, line=appended in beta, planned=false]", "beta");

            assertThat(alpha.plan().effects()).extracting(Effect::target).containsExactly("file " + probe("alpha").resolve("seen"));
            assertThat(beta.plan().effects()).isEmpty();
            assertThat(probe("alpha").resolve("seen")).doesNotExist();
            assertThat(probe("beta").resolve("seen")).hasContent("appended in beta");

            assertThat(home.resolve("audit").resolve("alpha.jsonl")).as("a plan writes no audit").doesNotExist();
            List<String> audit = Files.readAllLines(home.resolve("audit").resolve("beta.jsonl"));
            assertThat(audit).isNotEmpty().allSatisfy(line -> {
                var record = Json.mapper().readTree(line);
                assertThat(record.get("runId").asText()).isEqualTo(ran.runId());
                assertThat(record.get("environment").asText()).isEqualTo("beta");
                assertThat(record.get("effect").get("target").asText()).isEqualTo("file " + probe("beta").resolve("seen"));
            });
            assertThat(Journal.read(home, ran.runId()).start().environment()).isEqualTo("beta");
            assertThat(Journal.fileOf(home, planned.runId())).as("a plan writes no journal").doesNotExist();
        } finally {
            requests.shutdownNow();
        }
    }

    private Path probe(String environment) {
        return tmp.resolve(environment).resolve("probe");
    }

    /** An environment named {@code name} with its own probe folder, as {@link Cli#probeEnvironment} writes one. */
    private OpsContext context(String name, Path home, boolean dryRun) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Path file = Cli.probeEnvironment(dir);
        Files.writeString(file, Files.readString(file).replace("name: test", "name: " + name));
        OpsContext.Builder b = OpsContext.builder().environment(Environment.load(file, variable -> null)).opsHome(home)
                .confirmer(Confirmer.nonInteractive(false, null));
        if (dryRun) b.dryRun();
        return b.build();
    }
}
