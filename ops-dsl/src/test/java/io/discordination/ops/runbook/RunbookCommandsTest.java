package io.discordination.ops.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runbook commands on small runbooks that use the Gate through a test handle ({@code Probe}),
 * in both languages: same plan from .jsh and .groovy, runs and journals, parameter validation,
 * errors at the right script line, verify timeouts.
 */
class RunbookCommandsTest {
    /** One OPS_HOME for the class, so the compile cache is shared; runs and audit are emptied before each test. */
    @TempDir
    static Path home;

    @TempDir
    Path tmp;

    Cli cli;
    Path env;
    Path probeDir;

    @BeforeEach
    void setUp() throws IOException {
        for (String dir : List.of("runs", "audit")) {
            Path d = home.resolve(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> files = Files.list(d)) {
                    for (Path f : files.toList()) Files.delete(f);
                }
                Files.delete(d);
            }
        }
        cli = new Cli(home, Cli.projectRoot());
        env = Cli.probeEnvironment(tmp);
        probeDir = tmp.resolve("probe");
    }

    private Cli.Result ops(String... args) {
        return cli.run(args);
    }

    private static String rb(String file) {
        return Cli.testRunbook(file).toString();
    }

    private List<String> marker(String name) throws IOException {
        Path f = probeDir.resolve(name);
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    @Test
    void plan_whenJshAndGroovyDeclareTheSameRunbook_printTheSamePlan() {
        Cli.Result jsh = ops("plan", rb("probe.jsh"), "--env", env.toString(), "--param", "label=hello");
        Cli.Result groovy = ops("plan", rb("probe.groovy"), "--env", env.toString(), "--param", "label=hello");

        assertThat(jsh.exitCode()).as(jsh.all()).isZero();
        assertThat(groovy.exitCode()).as(groovy.all()).isZero();
        assertThat(groovy.out()).isEqualTo(jsh.out());
        assertThat(jsh.out()).contains("1. Read the marker  [check]", "2. Write the marker  [action]",
                "would: append file " + probeDir.resolve("marker"), "echo 'hello fast 10m' >> " + probeDir.resolve("marker"),
                "3. Tell the team  [advice]", "4. The marker is there  [verify]",
                "Nothing was changed.");
    }

    @Test
    void plan_whenJsonIsAsked_givesTheSameStepsAndEffectsFromBothLanguages() throws IOException {
        JsonNode jsh = Json.mapper().readTree(ops("plan", rb("probe.jsh"), "--env", env.toString(), "-p", "label=a", "-o", "json").out());
        JsonNode groovy = Json.mapper().readTree(ops("plan", rb("probe.groovy"), "--env", env.toString(), "-p", "label=a", "-o", "json").out());

        assertThat(groovy.get("steps")).isEqualTo(withoutDurations(jsh.get("steps"), groovy.get("steps")));
        assertThat(jsh.get("mode").asText()).isEqualTo("plan");
        assertThat(jsh.at("/steps/1/effects/0/command").asText()).isEqualTo("echo 'a fast 10m' >> " + probeDir.resolve("marker"));
        assertThat(jsh.at("/steps/1/status").asText()).isEqualTo("planned");
        assertThat(jsh.at("/steps/3/status").asText()).isEqualTo("not-polled");
    }

    /** The JShell steps with the Groovy durations, so that only what the steps did is compared. */
    private static JsonNode withoutDurations(JsonNode jsh, JsonNode groovy) {
        JsonNode copy = jsh.deepCopy();
        for (int i = 0; i < copy.size(); i++) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) copy.get(i)).set("durationMs", groovy.get(i).get("durationMs"));
        }
        return copy;
    }

    @Test
    void plan_whenItRuns_changesNothingAndWritesNoJournal() throws IOException {
        Cli.Result r = ops("plan", rb("probe.jsh"), "--env", env.toString(), "-p", "label=hello");

        assertThat(r.exitCode()).isZero();
        assertThat(marker("marker")).isEmpty();
        assertThat(cli.home().resolve("runs")).doesNotExist();
        assertThat(cli.home().resolve("audit").resolve("test.jsonl")).doesNotExist();
    }

    @Test
    void run_whenEveryStepSucceeds_appliesTheEffectAndJournalsEachStep() throws IOException {
        Cli.Result r = ops("run", rb("probe.groovy"), "--env", env.toString(), "-p", "label=hello", "-p", "mode=careful", "-p", "since=1h");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(marker("marker")).containsExactly("hello careful 60m");
        assertThat(r.out()).contains("held after", "finished ok", "Journal: ");
        // the run shows what it did with the command that does the same, as the plan and the audit record do
        assertThat(r.out()).contains("did: append file " + probeDir.resolve("marker"),
                "$ echo 'hello careful 60m' >> " + probeDir.resolve("marker"));
        List<JsonNode> journal = journal();
        assertThat(journal).extracting(j -> j.get("event").asText()).containsExactly("run-started",
                "step-started", "step-finished", "step-started", "step-finished", "step-started", "step-finished",
                "step-started", "step-finished", "run-finished");
        assertThat(journal.get(0).get("parameters").toString()).isEqualTo("{\"label\":\"hello\",\"since\":\"1h\",\"mode\":\"careful\"}");
        assertThat(journal.get(4).get("summary").asText()).contains("hello careful 60m");
        assertThat(journal.get(9).get("outcome").asText()).isEqualTo("ok");
        // the Gate audited the effect under the same run id
        String audit = Files.readString(cli.home().resolve("audit").resolve("test.jsonl"));
        assertThat(audit).contains("\"runId\":\"" + journal.get(0).get("runId").asText() + "\"", "\"event\":\"ok\"",
                "\"command\":\"echo 'hello careful 60m' >> " + probeDir.resolve("marker") + "\"");
    }

    private List<JsonNode> journal() throws IOException {
        try (Stream<Path> files = Files.list(cli.home().resolve("runs"))) {
            List<Path> all = files.sorted().toList();
            assertThat(all).hasSize(1);
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(all.get(0))) out.add(Json.mapper().readTree(line));
            return out;
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "count|0|an integer from 1 to 100",
            "count|101|an integer from 1 to 100",
            "count|ten|an integer from 1 to 100",
            "count|99999999999|an integer from 1 to 100",
            "since|10|a duration such as 30s, 10m, 1h30m",
            "since|ten minutes|a duration such as 30s, 10m, 1h30m",
            "since|-5m|a duration such as 30s, 10m, 1h30m",
            "user|x' OR '1'='1|a UUID like",
            "user|3f6c1a2e7b4d4c1e9a2b5d8e0f1a2b3c|a UUID like",
            "user|1-1-1-1-1|a UUID like",
            "channel|abc|a channel id of 1 to 20 digits",
            "channel|123456789012345678901|a channel id of 1 to 20 digits",
            "channel|-5|a channel id of 1 to 20 digits",
            "block|203.0.113.300/32|an IPv4 or IPv6 address or CIDR",
            "block|203.0.113.7/33|an IPv4 or IPv6 address or CIDR",
            "block|0.0.0.0/0|an IPv4 or IPv6 address or CIDR",
            "block|example.com|an IPv4 or IPv6 address or CIDR",
            "block|2001:db8::/129|an IPv4 or IPv6 address or CIDR",
            "block|203.0.113.7/32,nope|an IPv4 or IPv6 address or CIDR",
            "scope|all|one of api-cache, rate-limits, everything",
            "scope|API-CACHE|one of api-cache, rate-limits, everything",
            "snapshot|1snapshot|an RDS snapshot id",
            "snapshot|snap--shot|an RDS snapshot id",
            "snapshot|snapshot-|an RDS snapshot id",
            "snapshot|snap_shot|an RDS snapshot id",
            "force|maybe|true or false",
            "text|\"   \"|a non-empty string",
    })
    void run_whenAParameterHasABadValue_exitsTwoWithOneLineAndRunsNothing(String name, String bad, String expected) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", rb("types.jsh"), "--env", env.toString(), "--yes"));
        for (String p : goodTypes()) {
            if (!p.startsWith(name + "=")) args.addAll(List.of("--param", p));
        }
        args.addAll(List.of("--param", name + "=" + bad));

        Cli.Result r = ops(args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).doesNotContain("\n")
                .startsWith("ops: parameter '" + name + "': expected " + expected)
                .endsWith("got '" + bad + "'");
        assertThat(marker("types-marker")).isEmpty();
        assertThat(cli.home().resolve("runs")).doesNotExist();
    }

    private static List<String> goodTypes() {
        return List.of("text=hello", "count=5", "since=10m", "user=3F6C1A2E-7B4D-4C1E-9A2B-5D8E0F1A2B3C",
                "channel=1029384756473829", "block=203.0.113.7,2001:db8::/64", "scope=rate-limits",
                "snapshot=rds:discordination-prod-2024-01-01-00-00", "force=yes", "token=s3cr3t-t0ken");
    }

    @Test
    void run_whenEveryParameterIsGood_passesTypedValuesAndKeepsTheSecretOutOfPrintAndJournal() throws IOException {
        List<String> args = new ArrayList<>(List.of("run", rb("types.jsh"), "--env", env.toString(), "--yes"));
        goodTypes().forEach(p -> args.addAll(List.of("--param", p)));

        Cli.Result r = ops(args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(marker("types-marker")).containsExactly("hello 5 PT10M 3f6c1a2e-7b4d-4c1e-9a2b-5d8e0f1a2b3c 1029384756473829 "
                + "[203.0.113.7/32, 2001:db8::/64] rate-limits rds:discordination-prod-2024-01-01-00-00 true ****");
        assertThat(r.all()).doesNotContain("s3cr3t-t0ken");
        try (Stream<Path> files = Files.list(cli.home().resolve("runs"))) {
            String journal = Files.readString(files.findFirst().orElseThrow());
            assertThat(journal).doesNotContain("s3cr3t-t0ken").contains("\"token\":\"****\"");
        }
    }

    @Test
    void run_whenAParameterIsUnknownOrMissing_exitsTwo() throws IOException {
        Cli.Result unknown = ops("plan", rb("probe.jsh"), "--env", env.toString(), "-p", "label=a", "-p", "lable=b");
        Cli.Result missing = ops("plan", rb("probe.jsh"), "--env", env.toString());

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown parameter 'lable' for runbook probe; it takes: label, since, mode");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("parameter 'label' is required");
        assertThat(marker("marker")).isEmpty();
    }

    @Test
    void plan_whenTheJShellScriptDoesNotCompile_reportsTheFileAndLine() {
        Cli.Result r = ops("plan", rb("broken-compile.jsh"), "--env", env.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("broken-compile.jsh:4: cannot find symbol (method undefinedThing(int))");
    }

    @Test
    void plan_whenTheGroovyScriptDoesNotCompile_reportsTheFileAndLine() {
        Cli.Result r = ops("plan", rb("broken-compile.groovy"), "--env", env.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("broken-compile.groovy:5:");
    }

    @Test
    void run_whenAStepThrows_reportsTheStepsLineInBothLanguagesAndStops() throws IOException {
        for (String file : List.of("broken-step.jsh", "broken-step.groovy", "broken-step.jsh")) { // the second .jsh comes from the cache
            Cli.Result r = ops("run", rb(file), "--env", env.toString());

            assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
            assertThat(r.err()).contains(file + ":7: step 2 'Breaks' failed: IllegalStateException: the probe broke");
            assertThat(r.out()).contains("FAILED: ", "--resume");
        }
        assertThat(marker("broken-marker")).isEmpty();
    }

    @Test
    void load_whenDeclaringFails_reportsTheLineInBothLanguages() {
        Cli.Result jsh = ops("describe", rb("broken-declaration.jsh"));
        Cli.Result groovy = ops("describe", rb("broken-declaration.groovy"));

        assertThat(jsh.exitCode()).isEqualTo(1);
        assertThat(jsh.err()).contains("broken-declaration.jsh:5: IllegalArgumentException: two steps are titled 'Same'");
        assertThat(groovy.exitCode()).isEqualTo(1);
        assertThat(groovy.err()).contains("broken-declaration.groovy:5: IllegalArgumentException: two steps are titled 'Same'");
    }

    @Test
    void run_whenAVerifyStepNeverHolds_failsTheRunWhenItsTimeoutPasses() {
        Cli.Result r = ops("run", rb("slow-verify.jsh"), "--env", env.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("step 1 'Never true' failed: verify did not hold within 300ms");
    }

    @Test
    void describe_whenAskedForARunbook_showsParametersStepsAndCommandsWithoutAnyServer() {
        Cli.Result r = ops("describe", rb("probe.groovy"), "--env", env.toString());

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Probe Runbook", "label", "duration", "10m", "fast, careful",
                "2. Write the marker  [action]", "$ echo <line> >> <file>",
                "4. The marker is there  [verify, up to 5s every 100ms]");
    }
}
