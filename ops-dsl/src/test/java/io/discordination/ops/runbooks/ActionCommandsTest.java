package io.discordination.ops.runbooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An action's command has one source, its effect: every runbook of the project planned against the
 * sandbox shows, for each effect its actions would apply, a command with every value in place, rendered
 * from a template the step itself declares (what {@code ops describe} and the docs show).
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class ActionCommandsTest {
    @TempDir
    static Path home;

    /** What a command with a value left to fill in looks like: a {@code <name>} or one of the seed's shell variables. */
    private static final Pattern UNRESOLVED = Pattern.compile("<[A-Za-z][A-Za-z0-9_-]*>|\\$LOCK_TOKEN|\\$ADDRESSES|\\$SNAPSHOT");

    /** Every runbook of the project, with what it needs; a runbook with several branches is planned once per branch. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "api-not-responding | -",
            "gateway-connections-dropping | -",
            "run-migrations | -",
            "create-db-backup | -",
            "restore-db-backup | -",
            "connection-pool-exhaustion | idle-for=1s",
            "flush-redis-cache | scope=api-cache",
            "flush-redis-cache | scope=rate-limits",
            "flush-redis-cache | scope=everything",
            "redis-memory-pressure | -",
            "livekit-health | room=" + SeedData.VOICE_ROOM,
            "kick-from-voice | channel=" + SeedData.VOICE_CHANNEL_ID + " user=" + SeedData.WELL_KNOWN_USER_ID,
            "s3-usage | -",
            "cleanup-run | -",
            "restore-deleted-file | file=" + SeedData.DELETED_FILE_ID,
            "compromised-account | user=" + SeedData.WELL_KNOWN_USER_ID,
            "rate-limit-bypass | block=45.33.0.1/32",
            "rotate-secrets | secret=both",
    })
    void plan_whenEveryRunbookIsPlanned_eachEffectShowsAResolvedCommandFromATemplateItsStepDeclares(
            String runbook, String params, SandboxInfo sandbox) throws Exception {
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        String[] p = params == null ? new String[0] : params.split(" ");

        Cli.Result planned = ops.planJson(runbook, p);
        Cli.Result text = ops.plan(runbook, p);
        Cli.Result described = new Cli(home, Cli.projectRoot()).run("describe", runbook, "--env", "prod", "--output", "json");

        assertThat(planned.exitCode()).as(planned.all()).isZero();
        assertThat(text.exitCode()).as(text.all()).isZero();
        assertThat(described.exitCode()).as(described.all()).isZero();
        JsonNode plan = Json.mapper().readTree(planned.out());
        JsonNode declared = Json.mapper().readTree(described.out());
        for (JsonNode step : plan.get("steps")) {
            if (!"action".equals(step.get("kind").asText())) continue;
            assertThat(step.get("commands")).as("action %s types no command of its own", step.get("title")).isNull();
            Set<String> templates = new HashSet<>();
            declared.get("steps").get(step.get("number").asInt() - 1).get("commands").forEach(c -> templates.add(c.asText()));
            for (JsonNode effect : step.get("effects")) {
                String command = effect.get("command").asText();
                assertThat(command).as("%s: %s", step.get("title"), effect.get("summary")).isNotBlank();
                assertThat(UNRESOLVED.matcher(command).find()).as("unresolved value in: %s", command).isFalse();
                assertThat(templates).as("the templates step '%s' declares", step.get("title").asText())
                        .contains(effect.get("template").asText());
            }
        }
        // what a person reads: no action section holds a value still to fill in
        for (String section : actionSections(text.out())) {
            assertThat(UNRESOLVED.matcher(section).find()).as(section).isFalse();
        }
    }

    @Test
    void plan_whenTheRunbooksArePlanned_everyTemplateTheyDeclareIsRenderedBySomeEffect(SandboxInfo sandbox) throws Exception {
        // the other side of the agreement: a declared template that no effect renders would be a hand-typed promise
        AreaARunbookSupport ops = new AreaARunbookSupport(sandbox, home);
        Set<String> declared = new HashSet<>();
        Set<String> rendered = new HashSet<>();
        for (String[] run : List.of(new String[]{"flush-redis-cache", "scope=api-cache"}, new String[]{"flush-redis-cache", "scope=everything"},
                new String[]{"compromised-account", "user=" + SeedData.WELL_KNOWN_USER_ID},
                new String[]{"rotate-secrets", "secret=both"}, new String[]{"restore-deleted-file", "file=" + SeedData.DELETED_FILE_ID},
                new String[]{"rate-limit-bypass", "block=45.33.0.1/32"}, new String[]{"restore-db-backup"}, new String[]{"create-db-backup"},
                new String[]{"cleanup-run"}, new String[]{"run-migrations"}, new String[]{"api-not-responding"},
                new String[]{"connection-pool-exhaustion"},
                new String[]{"kick-from-voice", "channel=" + SeedData.VOICE_CHANNEL_ID, "user=" + SeedData.WELL_KNOWN_USER_ID})) {
            String[] p = java.util.Arrays.copyOfRange(run, 1, run.length);
            Cli.Result planned = ops.planJson(run[0], p);
            assertThat(planned.exitCode()).as(planned.all()).isZero();
            Json.mapper().readTree(planned.out()).get("steps").forEach(s -> {
                if (s.has("effects")) s.get("effects").forEach(e -> rendered.add(e.get("template").asText()));
            });
            JsonNode described = Json.mapper().readTree(new Cli(home, Cli.projectRoot())
                    .run("describe", run[0], "--env", "prod", "--output", "json").out());
            described.get("steps").forEach(s -> {
                if ("action".equals(s.get("kind").asText())) s.get("commands").forEach(c -> declared.add(c.asText()));
            });
        }
        assertThat(rendered).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void docs_whenRendered_showForEveryActionTheTemplatesOfItsEffects() throws Exception {
        String md = Files.readString(Cli.projectRoot().resolve("docs").resolve("RUNBOOKS.md"));

        assertThat(md).contains(io.discordination.ops.s3.Bucket.RESTORE_VERSION.text(), io.discordination.ops.waf.WafIpSet.UPDATE_IP_SET.text(),
                        io.discordination.ops.secrets.SecretsManagerSecret.ROTATE.text(), io.discordination.ops.redis.Redis.DELETE_MATCHING.text())
                .doesNotContain("$LOCK_TOKEN", "$ADDRESSES", "xargs redis-cli -u");
    }

    /** The text of each {@code [action]} step of a plan, up to the next step. */
    private static List<String> actionSections(String out) {
        List<String> sections = new ArrayList<>();
        String[] steps = out.split("\n(?=\\d+\\. )");
        Stream.of(steps).filter(s -> s.lines().findFirst().orElse("").endsWith("[action]")).forEach(sections::add);
        return sections;
    }
}
