package io.discordination.ops.runbook;

import io.discordination.ops.runbook.testing.Cli;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ops list}, {@code ops check} and {@code ops docs}: none of them touches a server. */
class DocsAndCheckTest {
    private static final String FLUSH = """
            runbook('flush-cache') {
                title 'Flush Cache'
                section 'Cache Operations'
                symptoms 'Stale responses.'
                param 'user', type: 'userId', description: 'Whose sessions'
                check('Check memory', 'redis-cli -u ${redis.url} info memory') { 1 }
                action('Delete the keys', Redis.DELETE_MATCHING) { 2 }
                action('Invalidate sessions', Account.INVALIDATE_SESSIONS) { 3 }
                advice 'Scale up: increase `db_max_connections` in Terraform vars.'
                check('Where', 'aws ecs describe-services --cluster ${ecs.cluster} --services ${ecs.services.api}') { 4 }
            }
            """;

    @TempDir
    Path root;

    Cli cli;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(root.resolve("environments"));
        Files.copy(Cli.projectRoot().resolve("environments").resolve("prod.yaml"), root.resolve("environments").resolve("prod.yaml"));
        Files.createDirectories(root.resolve("runbooks"));
        Files.writeString(root.resolve("runbooks").resolve("flush-cache.groovy"), FLUSH);
        Files.writeString(root.resolve("runbooks").resolve("kick.jsh"), """
                runbook("kick", "Kick User from Voice")
                    .section("Voice Service")
                    .param(channelId("channel")).param(userId("user"))
                    .check("List participants", "livekit-cli list-participants --url ${livekit.url} --api-key ${livekit.apiKey} --api-secret ${livekit.apiSecret} --room voice:${channel}", () -> 1);
                """);
        cli = new Cli(Files.createDirectories(root.resolve("home")), root);
    }

    @Test
    void docs_whenRendered_followsTheSeedShapeWithProductionNamesAndUnsetVariablesAsWritten() throws IOException {
        Cli.Result r = cli.run("docs");

        assertThat(r.exitCode()).as(r.all()).isZero();
        String md = Files.readString(root.resolve("docs").resolve("RUNBOOKS.md"));
        assertThat(md).startsWith("# Operational Runbooks\n")
                .contains("- [Cache Operations](#cache-operations)", "- [Voice Service](#voice-service)",
                        "## Cache Operations\n\n### Flush Cache\n\n**Symptoms:** Stale responses.",
                        "1. Check memory:\n   ```bash\n   redis-cli -u $REDIS_URL info memory\n   ```",
                        // an action shows the templates of its effects' commands, as the code renders them
                        "2. Delete the keys:\n   ```bash\n   " + io.discordination.ops.redis.Redis.DELETE_MATCHING.text() + "\n   ```",
                        "3. Invalidate sessions:\n   ```bash\n   psql \"$DATABASE_URL\" -c \"DELETE FROM sessions WHERE user_id = '<user_id>'\"\n   ```",
                        "4. Scale up: increase `db_max_connections` in Terraform vars.\n",
                        "aws ecs describe-services --cluster discordination-prod --services api",
                        "livekit-cli list-participants --url https://livekit.example.com --api-key $LK_KEY --api-secret $LK_SECRET --room voice:<channel>",
                        "| `user` | a UUID like")
                .doesNotContain("${");
        assertThat(md.indexOf("## Cache Operations")).isLessThan(md.indexOf("## Voice Service"));
    }

    @Test
    void docsCheck_whenARunbookChangedAfterTheDocsWereWritten_failsUntilTheyAreRewritten() throws IOException {
        assertThat(cli.run("docs").exitCode()).isZero();
        assertThat(cli.run("docs", "--check").exitCode()).isZero();

        Files.writeString(root.resolve("runbooks").resolve("flush-cache.groovy"), FLUSH.replace("Stale responses.", "Old data."));
        Cli.Result stale = cli.run("docs", "--check");

        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.err()).contains("RUNBOOKS.md is stale");
        assertThat(cli.run("docs").exitCode()).isZero();
        assertThat(cli.run("docs", "--check").exitCode()).isZero();
    }

    @Test
    void list_whenRunbooksExist_showsNameTitleAndParameters() {
        Cli.Result r = cli.run("list");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("flush-cache", "Flush Cache", "user:userId", "kick", "Kick User from Voice", "channel:channelId user:userId");
    }

    @Test
    void check_whenEveryRunbookIsFine_exitsZero() {
        Cli.Result r = cli.run("check");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("2 ok, 0 failed");
    }

    @Test
    void check_whenRunbooksAreBroken_exitsOneWithFileAndLineForEach() throws IOException {
        for (String f : new String[]{"broken-compile.jsh", "broken-compile.groovy", "broken-declaration.jsh"}) {
            Files.copy(Cli.testRunbook(f), root.resolve("runbooks").resolve(f));
        }
        Files.writeString(root.resolve("runbooks").resolve("typo.jsh"),
                "runbook(\"typo\", \"Typo\").check(\"x\", \"aws ecs describe-services --cluster ${ecs.clustr}\", () -> 1);\n");

        Cli.Result r = cli.run("check");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("broken-compile.jsh:4: cannot find symbol", "broken-compile.groovy:5:",
                "broken-declaration.jsh:5:", "${ecs.clustr} is neither a parameter nor a setting");
        assertThat(r.out()).contains("2 ok, 4 failed");
    }

    @Test
    void check_whenAnActionTypesItsOwnCommand_failsSayingToNameTheTemplate() throws IOException {
        Files.writeString(root.resolve("runbooks").resolve("typed.jsh"), "runbook(\"typed\", \"Typed\")"
                + ".action(\"Flush\", () -> 1).command(\"redis-cli FLUSHDB\");\n");

        Cli.Result r = cli.run("check");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("action 'Flush' types no command: name the templates of the verbs it calls");
    }

    @Test
    void check_whenRunOnTheProjectsRunbooks_passes() {
        Cli.Result r = new Cli(root.resolve("home"), Cli.projectRoot()).run("check");

        assertThat(r.exitCode()).as(r.all()).isZero();
    }

    @Test
    void docsCheck_whenRunOnTheProject_findsDocsRunbooksMdUpToDate() {
        Cli.Result r = new Cli(root.resolve("home"), Cli.projectRoot()).run("docs", "--check");

        assertThat(r.exitCode()).as(r.all() + " (regenerate with: ./ops docs)").isZero();
    }
}
