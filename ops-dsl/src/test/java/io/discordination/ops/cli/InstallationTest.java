package io.discordination.ops.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What an installation is told from outside: its version and commit, and where a team keeps its runbooks. */
class InstallationTest {
    private static final Path ROOT = Path.of(System.getProperty("ops.root"));

    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {
    }

    private Result ops(Map<String, String> variables, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dops.root=" + ROOT, "-Dops.home=" + dir.resolve("home"),
                OpsCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("OPS_RUNBOOKS");
        pb.environment().putAll(variables);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        int code = pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start().waitFor();
        return new Result(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void version_whenAsked_printsTheVersionAndACommitOfThisRepository() throws Exception {
        Result r = ops(Map.of(), "--version");

        assertThat(r.exitCode()).isZero();
        var m = java.util.regex.Pattern.compile("^ops (\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?) \\(commit ([0-9a-f]{12})(\\+changes)?\\)")
                .matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        Process git = new ProcessBuilder("git", "-C", ROOT.toString(), "cat-file", "-e", m.group(3) + "^{commit}")
                .redirectErrorStream(true).start();
        assertThat(git.waitFor()).as("commit %s is in this repository", m.group(3)).isZero();
    }

    @Test
    void list_withATeamsRunbooksFolder_listsOnlyThatFoldersRunbooks() throws Exception {
        Path team = Files.createDirectories(dir.resolve("team-runbooks"));
        Files.writeString(team.resolve("team-usage.jsh"), Files.readString(ROOT.resolve("runbooks/s3-usage.jsh"))
                .replace("runbook(\"s3-usage\"", "runbook(\"team-usage\""));

        Map<String, Result> results = new java.util.LinkedHashMap<>();
        results.put("--runbooks DIR list", ops(Map.of(), "--runbooks", team.toString(), "list"));
        results.put("list --runbooks DIR", ops(Map.of(), "list", "--runbooks", team.toString()));
        results.put("OPS_RUNBOOKS=DIR list", ops(Map.of("OPS_RUNBOOKS", team.toString()), "list"));

        results.forEach((how, r) -> {
            assertThat(r.exitCode()).as(how + ": " + r.err()).isZero();
            assertThat(r.out()).as(how).contains("team-usage").doesNotContain("api-not-responding");
        });
    }
}
