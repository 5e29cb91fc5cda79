package io.discordination.ops.gate;

import io.discordination.ops.account.Account;
import io.discordination.ops.ecs.EcsCluster;
import io.discordination.ops.rds.RdsRestore;
import io.discordination.ops.s3.Bucket;
import io.discordination.ops.waf.WafIpSet;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandTemplateTest {

    /** The arguments {@code sh} passes to {@code command}'s program, one per NUL-terminated part. */
    private static List<String> argumentsOf(String command) throws IOException, InterruptedException {
        // printf stands in for the program: each argument comes back exactly as the program would get it
        String program = command.substring(0, command.indexOf(' '));
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "printf '%s\\0' " + command.substring(program.length() + 1))
                .redirectErrorStream(true);
        pb.environment().put("DATABASE_URL", "postgresql://db.example/discordination");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<String> args = new ArrayList<>(List.of(out.split("\0", -1)));
        args.remove(args.size() - 1);
        return args;
    }

    @Test
    void render_whenValuesAreHostile_theShellSeesEachAsOneUnchangedArgument() throws Exception {
        CommandTemplate t = CommandTemplate.of("aws s3api copy-object --bucket <bucket> --copy-source <bucket>/<key>?versionId=<version> --key <key>");
        String key = "attachments/1/it's $(touch /tmp/pwned) `id` *.txt";
        String command = t.with("bucket", "discordination-files").with("key", key).with("version", "v 1;rm -rf /").render();

        assertThat(argumentsOf(command)).containsExactly("s3api", "copy-object", "--bucket", "discordination-files",
                "--copy-source", "discordination-files/" + key + "?versionId=v 1;rm -rf /", "--key", key);
    }

    @Test
    void render_whenAValueHoldsOnlyAQuote_showsItInDoubleQuotesAsAPersonWouldType() {
        String command = Account.INVALIDATE_SESSIONS.with("user_id", "4f0c9a1e-0000-4000-8000-000000000001").render();

        assertThat(command).isEqualTo("psql \"$DATABASE_URL\" -c \"DELETE FROM sessions WHERE user_id = '4f0c9a1e-0000-4000-8000-000000000001'\"");
    }

    @Test
    void render_whenASqlLiteralValueHoldsAQuote_doublesItSoTheStatementStaysOneLiteral() throws Exception {
        String command = Account.DISABLE.with("user_id", "x' OR '1'='1").render();

        assertThat(argumentsOf(command)).containsExactly("postgresql://db.example/discordination", "-c", "UPDATE users SET disabled = true WHERE id = 'x'' OR ''1''=''1'");
    }

    @Test
    void text_showsTheTemplateWithNamedPlaceholders() {
        assertThat(Bucket.RESTORE_VERSION.text()).isEqualTo("aws s3api copy-object --bucket <bucket>"
                + " --copy-source <bucket>/<url_encoded_key>?versionId=<version_id> --key <key>");
        assertThat(Bucket.RESTORE_VERSION.placeholders()).containsExactly("bucket", "url_encoded_key", "version_id", "key");
    }

    @Test
    void render_whenAnOptionalGroupHasNoValue_leavesTheGroupOut() {
        String without = RdsRestore.RESTORE.with("target", "discordination-restore").with("snapshot", "manual-1")
                .with("instance_class", "db.r6g.large").with("subnet_group", null).with("security_groups", null).render();
        String with = RdsRestore.RESTORE.with("target", "discordination-restore").with("snapshot", "manual-1")
                .with("instance_class", null).with("subnet_group", "private").with("security_groups", List.of("sg-1", "sg-2")).render();

        assertThat(without).isEqualTo("aws rds restore-db-instance-from-db-snapshot --db-instance-identifier discordination-restore"
                + " --db-snapshot-identifier manual-1 --db-instance-class db.r6g.large");
        // a list is one argument per value, as the CLI reads --vpc-security-group-ids
        assertThat(with).isEqualTo("aws rds restore-db-instance-from-db-snapshot --db-instance-identifier discordination-restore"
                + " --db-snapshot-identifier manual-1 --db-subnet-group-name private --vpc-security-group-ids sg-1 sg-2");
    }

    @Test
    void render_whenAListIsEmpty_passesTheCliItsEmptyList() {
        String command = WafIpSet.UPDATE_IP_SET.with("name", "blocked-ips").with("scope", "REGIONAL").with("id", "id-1")
                .with("addresses", List.of()).with("lock_token", "t-1").with("description", null).render();

        assertThat(command).isEqualTo("aws wafv2 update-ip-set --name blocked-ips --scope REGIONAL --id id-1 --addresses '[]' --lock-token t-1");
    }

    @Test
    void shownCommand_whenTenThousandAddressesAreWritten_showsTheStartAndHowMuchWasLeftOut() {
        List<String> addresses = java.util.stream.IntStream.range(0, 10_000)
                .mapToObj(i -> "10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256) + "/32").toList();
        String command = WafIpSet.UPDATE_IP_SET.with("name", "blocked-ips").with("scope", "REGIONAL").with("id", "id-1")
                .with("addresses", addresses).with("lock_token", "t-1").with("description", null).render();

        String shown = Effect.shownCommand(command);

        assertThat(command).endsWith("10.0.39.15/32 --lock-token t-1").hasSizeGreaterThan(100_000);
        assertThat(shown).startsWith("aws wafv2 update-ip-set --name blocked-ips").hasSizeLessThan(Effect.SHOWN_COMMAND_CHARS + 200)
                .endsWith(" more characters left out: --output json and the audit record have the whole command)");
        // cut between two addresses, never inside one
        assertThat(Effect.commandStart(command)).hasSizeLessThanOrEqualTo(Effect.SHOWN_COMMAND_CHARS).endsWith("/32")
                .satisfies(start -> assertThat(command).startsWith(start + " "));
        assertThat(Effect.commandIsCut(command)).isTrue();
        assertThat(Effect.commandIsCut("rm x")).isFalse();
        assertThat(Effect.shownCommand("rm x")).isEqualTo("rm x");
    }

    @Test
    void render_whenAPlaceholderIsNotBound_failsNamingIt() {
        assertThatThrownBy(() -> EcsCluster.RUN_TASK.with("cluster", "c").render())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<task_definition>");
        assertThatThrownBy(() -> Bucket.RESTORE_VERSION.with("bucket", null).with("url_encoded_key", "k").with("version_id", "v")
                .with("key", "k").render()).hasMessageContaining("no value for <bucket>");
    }

    @Test
    void with_whenTheTemplateHasNoSuchPlaceholder_fails() {
        assertThatThrownBy(() -> Bucket.RESTORE_VERSION.with("version", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no placeholder <version>");
    }

    @Test
    void of_whenMalformed_failsAtOnce() {
        assertThatThrownBy(() -> CommandTemplate.of("psql -c 'SELECT <x>")).hasMessageContaining("unclosed '");
        assertThatThrownBy(() -> CommandTemplate.of("aws x [--y <y>")).hasMessageContaining("unclosed [");
        assertThatThrownBy(() -> CommandTemplate.of("echo \"$HOME/<x>\"")).hasMessageContaining("shell expansions");
    }
}
