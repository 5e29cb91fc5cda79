package io.discordination.ops.cli;

import io.discordination.ops.Json;
import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ops sandbox env --operator NAME} and {@code OPS_ENV}, as real processes: a second shell
 * with its own OPS_HOME works on the first one's sandbox, as the IAM user NAME.
 */
@ExtendWith(SandboxExtension.class)
class SecondOperatorShellTest {
    private static final Pattern EXPORT = Pattern.compile("^export ([A-Z_]+)='([^']*)'(\"\\$\\{PYTHONPATH.*)?$");

    @TempDir
    Path secondHome;

    private static Cli.Result ops(Path home, Map<String, String> variables, String... args) throws IOException, InterruptedException {
        Cli cli = new Cli(home, Cli.projectRoot());
        return cli.finish(cli.start(variables, args));
    }

    private static Map<String, String> exports(String script) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : script.lines().toList()) {
            Matcher m = EXPORT.matcher(line);
            if (m.matches()) env.put(m.group(1), m.group(2));
        }
        return env;
    }

    @Test
    void operatorShell_withAnotherOpsHome_usesTheSandboxAsThatOperator_andAnExplicitEnvStillWins(SandboxInfo sandbox) throws Exception {
        Cli.Result printed = ops(sandbox.opsHome(), Map.of(), "sandbox", "env", "--operator", "shell-dave");
        assertThat(printed.exitCode()).as(printed.err()).isZero();
        Map<String, String> dave = exports(printed.out());
        assertThat(dave).containsEntry("OPS_ENV", sandbox.environmentFile().toString()).containsKeys("AWS_ACCESS_KEY_ID", "OPS_SANDBOX_ACCESS_KEY_ID");
        assertThat(dave.get("AWS_ACCESS_KEY_ID")).isEqualTo(dave.get("OPS_SANDBOX_ACCESS_KEY_ID")).isNotEqualTo(sandbox.accessKeyId());
        assertThat(printed.out()).contains("user/shell-dave");

        Cli.Result shown = ops(secondHome, dave, "env", "--output", "json");
        assertThat(shown.exitCode()).as(shown.err()).isZero();
        Map<?, ?> json = Json.mapper().readValue(shown.out(), Map.class);
        assertThat(json.get("source")).isEqualTo(sandbox.environmentFile().toString());
        Map<?, ?> settings = (Map<?, ?>) json.get("settings");
        assertThat(settings.get("aws.accessKeyId")).isEqualTo(dave.get("AWS_ACCESS_KEY_ID"));
        assertThat(settings.get("registry.table")).isEqualTo("discordination-ops");
        // the second OPS_HOME got no sandbox of its own
        assertThat(secondHome.resolve("sandbox")).doesNotExist();

        Path other = secondHome.resolve("other.yaml");
        Files.writeString(other, "name: other\nprotected: false\n");
        Cli.Result explicit = ops(secondHome, dave, "--env", other.toString(), "env", "--output", "json");
        assertThat(explicit.exitCode()).as(explicit.err()).isZero();
        assertThat(Json.mapper().readValue(explicit.out(), Map.class).get("source")).isEqualTo(other.toString());
    }

    @Test
    void operatorShell_whenTheNameIsNoIamUserName_isBadInputInOneLine(SandboxInfo sandbox) throws Exception {
        Cli.Result r = ops(sandbox.opsHome(), Map.of(), "sandbox", "env", "--operator", "../../x");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().count()).isLessThanOrEqualTo(2);
        assertThat(r.err()).contains("IAM user name");
    }

    @Test
    void opsEnv_namingAFileThatIsNotThere_isAnErrorNamingIt() throws Exception {
        Path missing = secondHome.resolve("gone/local.yaml");
        Cli.Result r = ops(secondHome, Map.of("OPS_ENV", missing.toString()), "env");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err()).contains(missing.toString());
    }
}
