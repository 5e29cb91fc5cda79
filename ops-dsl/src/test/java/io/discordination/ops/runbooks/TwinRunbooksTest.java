package io.discordination.ops.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three runbooks written in both languages: {@code runbooks/<name>.groovy} (what
 * {@code ops run <name>} finds) and its twin {@code runbooks/jshell/<name>.jsh}. Planned against the
 * sandbox with the same parameters, both print the same plan, give the same JSON steps (results,
 * effects and commands; only the timings differ) and describe the same parameters and steps.
 * Plans change nothing, so the sandbox is not reset.
 */
@ExtendWith(SandboxExtension.class)
class TwinRunbooksTest {
    /** One OPS_HOME for the class, so each script compiles once. */
    @TempDir
    static Path home;

    /**
     * Each pair with parameters that reach every branch of its steps. rate-limit-bypass reads
     * 429s since 7d: the seeded hour of logs, whatever the sandbox's age, so that no event leaves
     * the window between the two plans.
     */
    static Stream<Arguments> twins() {
        return Stream.of(
                Arguments.of("flush-redis-cache", List.of("scope=api-cache")),
                Arguments.of("flush-redis-cache", List.of("scope=rate-limits")),
                Arguments.of("flush-redis-cache", List.of("scope=everything", "confirm=everything")),
                Arguments.of("rate-limit-bypass", List.of("since=7d")),
                Arguments.of("rate-limit-bypass", List.of("since=7d", "top=3", "block=203.0.113.77,198.51.100.0/24")),
                Arguments.of("cleanup-run", List.of()));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("twins")
    void plan_whenTheGroovyRunbookAndItsJShellTwinPlan_printTheSamePlan(String name, List<String> params, SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        String[] p = params.toArray(String[]::new);

        Cli.Result groovy = ops.plan(name, p);
        Cli.Result jsh = ops.plan(AreaBRunbookSupport.file("jshell/" + name + ".jsh"), p);

        assertThat(groovy.exitCode()).as(groovy.all()).isZero();
        assertThat(jsh.exitCode()).as(jsh.all()).isZero();
        assertThat(groovy.out()).contains("(" + name + ": plan, environment local, nothing will change)", "Nothing was changed.");
        assertThat(jsh.out()).isEqualTo(groovy.out());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("twins")
    void plan_whenJsonIsAsked_bothLanguagesGiveTheSameStepsResultsAndEffects(String name, List<String> params, SandboxInfo sandbox)
            throws IOException {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        String[] p = params.toArray(String[]::new);

        JsonNode groovy = Json.mapper().readTree(ops.planJson(name, p).out());
        JsonNode jsh = Json.mapper().readTree(ops.planJson(AreaBRunbookSupport.file("jshell/" + name + ".jsh"), p).out());

        assertThat(groovy.get("runbook").asText()).isEqualTo(name);
        assertThat(jsh.get("runbook").asText()).isEqualTo(name);
        assertThat(jsh.get("parameters")).isEqualTo(groovy.get("parameters"));
        assertThat(withoutTimings(jsh.get("steps"))).isEqualTo(withoutTimings(groovy.get("steps")));
        assertThat(groovy.get("steps").toString()).contains("\"kind\":\"action\",", "\"status\":\"planned\"");
        assertThat(groovy.get("steps").size()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void describe_whenBothLanguagesDeclareARunbook_showTheSameParametersStepsAndCommands(SandboxInfo sandbox) {
        Cli cli = new Cli(home, Cli.projectRoot());
        for (String name : List.of("flush-redis-cache", "rate-limit-bypass", "cleanup-run")) {
            assertThat(Path.of(AreaBRunbookSupport.file(name + ".groovy"))).exists();
            Cli.Result groovy = cli.run("describe", name, "--env", sandbox.environmentFile().toString());
            Cli.Result jsh = cli.run("describe", AreaBRunbookSupport.file("jshell/" + name + ".jsh"), "--env", sandbox.environmentFile().toString());

            assertThat(groovy.exitCode()).as(groovy.all()).isZero();
            assertThat(jsh.exitCode()).as(jsh.all()).isZero();
            assertThat(groovy.out()).contains("runbooks/" + name + ".groovy");
            assertThat(withoutFirstLine(jsh.out())).isEqualTo(withoutFirstLine(groovy.out()));
        }
    }

    @Test
    void runbooks_whenTwinsExist_eachPrimaryIsTheGroovyOneThatOpsRunFinds() throws IOException {
        Path runbooks = Cli.projectRoot().resolve("runbooks");
        try (Stream<Path> twins = Files.list(runbooks.resolve("jshell"))) {
            List<String> names = twins.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jsh"))
                    .map(f -> f.substring(0, f.length() - ".jsh".length())).sorted().toList();
            assertThat(names).contains("cleanup-run", "flush-redis-cache", "rate-limit-bypass");
            for (String name : names) {
                assertThat(runbooks.resolve(name + ".groovy")).as("the primary of twin " + name).exists();
                assertThat(runbooks.resolve(name + ".jsh")).as("only one " + name + " in runbooks/").doesNotExist();
            }
        }
    }

    /**
     * The steps without {@code durationMs} and the {@code elapsed} of results (a dry run's key count
     * says how long it took): the only fields that depend on each language's speed, not on what a step did.
     */
    private static JsonNode withoutTimings(JsonNode steps) {
        JsonNode copy = steps.deepCopy();
        removeTimings(copy);
        return copy;
    }

    private static void removeTimings(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("durationMs", "elapsed"));
        }
        for (JsonNode child : node) removeTimings(child);
    }

    /** The describe output without its first line, which names the file. */
    private static String withoutFirstLine(String out) {
        return out.substring(out.indexOf('\n') + 1);
    }
}
