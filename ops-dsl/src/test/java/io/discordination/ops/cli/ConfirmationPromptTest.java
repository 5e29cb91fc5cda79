package io.discordination.ops.cli;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The confirmation prompt at a real terminal shows how much an effect touches, counted as the plan counts it. */
@ExtendWith(SandboxExtension.class)
class ConfirmationPromptTest {
    @TempDir
    Path tmp;

    /** The keys matching {@code pattern}, counted by redis-cli (an independent client). */
    private static long keys(SandboxInfo sandbox, String pattern) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "redis-cli -u \"$REDIS_URL\" --scan --pattern '" + pattern + "' | sort -u | wc -l");
        pb.environment().putAll(sandbox.exports());
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return Long.parseLong(out);
    }

    @Test
    void run_whenAFlushIsPutToThePerson_thePromptShowsHowManyKeysItDeletes(SandboxInfo sandbox) throws Exception {
        long before = keys(sandbox, "api:cache:*");
        assertThat(before).isPositive();

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dops.root=" + Cli.projectRoot(), "-Dops.home=" + sandbox.opsHome(), OpsCommand.class.getName(),
                "run", "flush-redis-cache", "--env", sandbox.environmentFile().toString(), "--param", "scope=api-cache"));
        StringBuilder line = new StringBuilder();
        for (String c : command) line.append('\'').append(c.replace("'", "'\\''")).append("' ");
        Path in = Files.writeString(tmp.resolve("answer"), "n\n");
        Path screen = tmp.resolve("screen");
        Process p = new ProcessBuilder("script", "-qec", line.toString(), "/dev/null")
                .redirectInput(in.toFile()).redirectOutput(screen.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String shown = Files.readString(screen, StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(shown).isEqualTo(3);
        assertThat(shown).contains("delete-matching redis", "pattern=api:cache:*, keys=" + before, "[y/N]", "DECLINED");
        assertThat(keys(sandbox, "api:cache:*")).isEqualTo(before);
    }
}
