package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.Redactor;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.runbook.testing.ProbeCliTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The journal's typed events: each line carries only its own fields, and journals written before
 * the events were typed (captured from that version, in {@code src/test/resources/journals/}) still resume.
 */
class JournalTest extends ProbeCliTest {

    @Test
    void append_whenEachEventIsWritten_carriesOnlyItsOwnFieldsAndReadsBackAsItsType() throws IOException {
        Journal journal = Journal.create(cli.home(), "typed-run", new Redactor());
        journal.append(new JournalEvent.RunStarted(Instant.now(), "typed-run", "probe", "/r/probe.jsh", "abc",
                List.of("action:Append"), "test", "run", Map.of("label", "x"), null, "root", "/e/test.yaml", "def", null, null, null));
        journal.append(new JournalEvent.StepStarted(Instant.now(), "typed-run", 1, "action", "Append"));
        journal.append(new JournalEvent.StepFinished(Instant.now(), "typed-run", 1, "action", "Append", 5L, "{}",
                Json.mapper().readTree("{\"value\":1}")));
        journal.append(new JournalEvent.RunFinished(Instant.now(), "typed-run", "probe", null, "ok", 0));

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(journal.file())) lines.add(Json.mapper().readTree(line));
        assertThat(fieldsOf(lines.get(0))).containsExactlyInAnyOrder("time", "event", "runId", "runbook", "file", "contentHash",
                "steps", "environment", "mode", "parameters", "operator", "environmentFile", "environmentHash");
        assertThat(fieldsOf(lines.get(1))).containsExactlyInAnyOrder("time", "event", "runId", "step", "kind", "title");
        assertThat(fieldsOf(lines.get(2))).containsExactlyInAnyOrder("time", "event", "runId", "step", "kind", "title",
                "durationMs", "summary", "result");
        assertThat(fieldsOf(lines.get(3))).containsExactlyInAnyOrder("time", "event", "runId", "runbook", "outcome", "exitCode");
        assertThat(lines).extracting(l -> l.get("event").asText())
                .containsExactly("run-started", "step-started", "step-finished", "run-finished");
        // as the version before typed events wrote them: time, event and run id first
        assertThat(Files.readAllLines(journal.file())).allSatisfy(line -> assertThat(line)
                .matches("\\{\"time\":\"[^\"]+\",\"event\":\"[a-z-]+\",\"runId\":\"typed-run\",.*"));

        Journal.Recorded read = Journal.read(cli.home(), "typed-run");
        assertThat(read.events()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("RunStarted", "StepStarted", "StepFinished", "RunFinished");
        assertThat(read.start().parameters()).containsEntry("label", "x");
        assertThat(read.finish()).hasValueSatisfying(f -> assertThat(f.outcome()).isEqualTo("ok"));
        assertThat(read.finishedSteps()).containsExactly("action:Append");
        assertThat(read.finishedResults().get("action:Append").get("value").asInt()).isEqualTo(1);
        assertThat(read.interruptedSteps()).isEmpty();
    }

    @Test
    void append_whenTheOtherEventsAreWritten_eachLineHasOnlyItsTypesFields() throws IOException {
        Journal journal = Journal.create(cli.home(), "other-run", new Redactor());
        journal.append(new JournalEvent.StepFailed(Instant.now(), "other-run", 2, "check", "Breaks", 7L, "it broke"));
        journal.append(new JournalEvent.StepSkipped(Instant.now(), "other-run", 1, "action", "Append", "finished in run r0", null));
        journal.append(new JournalEvent.RunInterrupted(Instant.now(), "other-run", null, null, null, "SIGINT", "interrupted", 130));
        journal.append(new JournalEvent.ResumedBy(Instant.now(), "other-run", "root", "next-run", null, null));

        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(journal.file())) lines.add(Json.mapper().readTree(line));
        assertThat(fieldsOf(lines.get(0))).containsExactlyInAnyOrder("time", "event", "runId", "step", "kind", "title",
                "durationMs", "error");
        assertThat(fieldsOf(lines.get(1))).as("a skipped step without a journaled result")
                .containsExactlyInAnyOrder("time", "event", "runId", "step", "kind", "title", "summary");
        assertThat(fieldsOf(lines.get(2))).as("interrupted before the first step")
                .containsExactlyInAnyOrder("time", "event", "runId", "error", "outcome", "exitCode");
        assertThat(fieldsOf(lines.get(3))).containsExactlyInAnyOrder("time", "event", "runId", "operator", "resumedBy");
        assertThat(lines).extracting(l -> l.get("event").asText())
                .containsExactly("step-failed", "step-skipped", "run-interrupted", "resumed-by");

        Journal.Recorded read = Journal.read(cli.home(), "other-run");
        assertThat(read.successor()).hasValue("next-run");
        assertThat(read.finishedSteps()).containsExactly("action:Append");
        assertThat(read.finishedResults()).isEmpty();
    }

    @Test
    void read_whenALineHasAnUnknownEventOrField_skipsTheEventAndIgnoresTheField() throws IOException {
        Path file = Files.createDirectories(Journal.directory(cli.home())).resolve("future-run.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"time\":\"2026-01-01T00:00:00Z\",\"event\":\"run-started\",\"runId\":\"future-run\",\"runbook\":\"resume\","
                        + "\"steps\":[\"action:First append\"],\"addedLater\":{\"x\":1}}",
                "{\"time\":\"2026-01-01T00:00:01Z\",\"event\":\"step-paused\",\"runId\":\"future-run\",\"step\":1}",
                "{\"time\":\"2026-01-01T00:00:02Z\",\"event\":\"step-started\",\"runId\":\"future-run\",\"step\":1,"
                        + "\"kind\":\"action\",\"title\":\"First append\"}") + "\n");

        Journal.Recorded read = Journal.read(cli.home(), "future-run");

        assertThat(read.events()).hasSize(2);
        assertThat(read.start().steps()).containsExactly("action:First append");
        assertThat(read.interruptedSteps()).containsExactly("action:First append");
    }

    @Test
    void resume_whenTheFailedRunsJournalWasWrittenBeforeTypedEvents_skipsTheActionAndRestoresItsResult() throws Exception {
        String runId = "20261201-225430-7f84";
        installOldJournal("resume-result-failed.jsonl", runId);
        Files.writeString(probeDir.resolve("result-marker"), "appended 10841688495326\n");

        Cli.Result resumed = cli.run("run", Cli.testRunbook("resume-result.jsh").toString(), "--env", env.toString(), "--resume", runId);

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        // the verify step reads the Append result restored from the old journal: the line it names is in the file
        assertThat(resumed.out()).contains("[action: skipped, finished in run " + runId + "]", "held after 1 attempt");
        assertThat(Files.readAllLines(probeDir.resolve("result-marker"))).containsExactly("appended 10841688495326");
        assertThat(Files.readString(Journal.fileOf(cli.home(), runId))).contains("\"event\":\"resumed-by\"");
    }

    @Test
    void resume_whenTheKilledRunsJournalWasWrittenBeforeTypedEvents_runsTheInterruptedStepAgain() throws Exception {
        String runId = "20261201-225432-89cb";
        installOldJournal("resume-killed.jsonl", runId);
        Files.writeString(probeDir.resolve("resume-marker"), "first old\nsecond old\n");

        Cli.Result resumed = cli.run("run", Cli.testRunbook("resume.jsh").toString(), "--env", env.toString(), "--resume", runId);

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.err()).contains("stopped inside step 'Blocking append'; it runs again").doesNotContain("was edited");
        assertThat(resumed.out()).contains("1. First append  [action: skipped, finished in run " + runId + "]");
        // the journaled parameter comes back: the repeated append writes label=old
        assertThat(Files.readAllLines(probeDir.resolve("resume-marker"))).containsExactly("first old", "second old", "second old");
    }

    /** Puts a journal captured from the version before typed events into this OPS_HOME, its paths and hash made this test's. */
    private void installOldJournal(String resource, String runId) throws IOException {
        String text;
        try (InputStream in = JournalTest.class.getResourceAsStream("/journals/" + resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        text = text.replace("${RUNBOOKS}", Cli.testRunbook("resume.jsh").getParent().toString())
                .replace("${ENV_FILE}", env.toAbsolutePath().normalize().toString())
                .replace("${ENV_HASH}", Journal.hashOf(env))
                .replace("${PROBE}", probeDir.toString());
        Files.writeString(Files.createDirectories(Journal.directory(cli.home())).resolve(runId + ".jsonl"), text);
    }

    private static List<String> fieldsOf(JsonNode line) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = line.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }
}
