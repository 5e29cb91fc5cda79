package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.runbook.testing.ProbeCliTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ops runs} in an environment without a registry: this machine's journals, a run going on
 * while its lock is held, stale once its process was killed, and the local notice said once.
 */
class LocalRunHistoryTest extends ProbeCliTest {

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void runs_withoutARegistry_showsThisMachinesRunsAndAKilledOneAsStale() throws Exception {
        Cli.Result finished = cli.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "-p", "label=f");
        assertThat(finished.exitCode()).as(finished.all()).isZero();
        String finishedId = finished.out().replaceFirst("(?s).*Run (\\S+) finished ok.*", "$1");

        Files.writeString(probeDir.resolve("block"), "");
        Process held = cli.start("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "-p", "label=k");
        try {
            Cli.awaitLines(probeDir.resolve("resume-marker"), 4, held); // its first action done, the second held
            Cli.Result live = cli.run("runs", "--env", env.toString(), "--active", "-o", "json");
            assertThat(live.exitCode()).as(live.all()).isZero();
            JsonNode active = Json.mapper().readTree(live.out());
            assertThat(active).hasSize(1);
            String heldId = active.get(0).get("runId").asText();
            assertThat(active.get(0).get("step").asText()).isEqualTo("2. Blocking append");
            assertThat(live.err().split("has no registry: section", -1)).hasSize(2);

            held.destroyForcibly();
            assertThat(held.waitFor(20, TimeUnit.SECONDS)).isTrue();
            Cli.Result after = cli.run("runs", "--env", env.toString());

            assertThat(after.exitCode()).as(after.all()).isZero();
            assertThat(after.out()).contains(heldId + " ", "stale (no heartbeat since", finishedId, "ok", "3. Count the lines");
            assertThat(after.out().indexOf(heldId)).as("newest first").isLessThan(after.out().indexOf(finishedId));
            Cli.Result none = cli.run("runs", "--env", env.toString(), "--active", "-o", "json");
            assertThat(Json.mapper().readTree(none.out())).isEmpty();

            Cli.Result show = cli.run("runs", "show", heldId, "--env", env.toString());
            assertThat(show.exitCode()).as(show.all()).isZero();
            assertThat(show.out()).contains("First append", "ok", "Blocking append", "started (no end)", "Count the lines", "not run");
        } finally {
            Files.deleteIfExists(probeDir.resolve("block"));
            held.destroyForcibly();
        }
    }
}
