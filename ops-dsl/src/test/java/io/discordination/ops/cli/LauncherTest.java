package io.discordination.ops.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ops} launcher script on a machine without redis-server: its prerequisite step, run
 * with a PATH that has every program of this machine except redis-server, and with apt-get, sudo
 * and service replaced by scripts that record what they were asked to do.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of(System.getProperty("ops.root"), "ops");
    private static final boolean ROOT = "0".equals(uid());

    // not @TempDir: it warns about every symbolic link it deletes
    Path dir;
    Path bin;
    Path calls;
    Path home;

    @AfterEach
    void removeDir() throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @BeforeEach
    void pathWithoutRedisServer() throws IOException {
        dir = Files.createTempDirectory("ops-launcher-");
        bin = Files.createDirectory(dir.resolve("bin"));
        calls = dir.resolve("calls.log");
        home = dir.resolve("home");
        for (String entry : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path folder = Path.of(entry);
            if (!Files.isDirectory(folder)) continue;
            try (var programs = Files.list(folder)) {
                for (Path program : programs.toList()) {
                    Path link = bin.resolve(program.getFileName().toString());
                    if (program.getFileName().toString().equals("redis-server") || Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                    if (Files.isExecutable(program) && !Files.isDirectory(program)) Files.createSymbolicLink(link, program);
                }
            }
        }
        recorder("apt-get", "exit 0");
        recorder("service", "exit 0");
        // the machine's identity decides whether the script may use sudo; each test says what sudo allows
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void sandboxCommand_whenRedisServerIsMissingAndInstallingIsAllowed_installsItWithAptGetAndSaysSo() throws Exception {
        // as root apt-get runs directly; otherwise through sudo, which allows it without a password here
        recorder("sudo", "[ \"$1\" = -n ] && shift; [ \"$*\" = true ] && exit 0; exec \"$@\"");

        Result r = launcher(false, "sandbox", "up");

        assertThat(r.err()).contains("prerequisites: installing redis-server");
        List<String> asked = Files.readAllLines(calls);
        assertThat(asked).anyMatch(line -> line.startsWith("apt-get update"));
        assertThat(asked).anyMatch(line -> line.matches("apt-get install -y .*\\bredis-server\\b.*"));
        assertThat(asked).noneMatch(line -> line.contains("redis-tools") || line.contains("postgresql"));
        if (!ROOT) assertThat(asked).anyMatch(line -> line.startsWith("sudo apt-get install"));
        // the recorder installed nothing: the script says so and stops before the sandbox starts
        assertThat(r.err()).contains("still missing after apt-get install: redis-server");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(home.resolve("sandbox")).doesNotExist();
    }

    @Test
    void sandboxCommand_whenRedisServerIsMissingAndNeitherRootNorSudo_printsTheOneCommandAndExits1() throws Exception {
        recorder("sudo", "[ \"$1\" = -n ] && echo 'sudo: a password is required' >&2; exit 1");

        // as root, the same launcher run as the unprivileged user nobody
        Result r = launcher(ROOT, "plan", "api-not-responding");

        assertThat(r.err()).contains("prerequisites: missing redis-server; install with:")
                .contains("sudo apt-get update && sudo apt-get install -y redis-server");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(Files.exists(calls) ? Files.readAllLines(calls) : List.<String>of()).noneMatch(line -> line.startsWith("apt-get"));
    }

    @Test
    void otherEnvironment_whenRedisServerIsMissing_doesNotAskForTheSandboxPrerequisites() throws Exception {
        recorder("sudo", "exit 1");

        // bad input: the CLI refuses it before reading anything from prod
        Result r = launcher(false, "plan", "api-not-responding", "--env", "prod", "--param", "since=soon");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("prerequisites");
        assertThat(Files.exists(calls)).isFalse();
    }

    record Result(int exitCode, String out, String err) {
    }

    private void recorder(String name, String then) throws IOException {
        Path script = bin.resolve(name);
        Files.deleteIfExists(script);
        Files.writeString(script, "#!/bin/bash\necho \"" + name + " $*\" >> '" + calls + "' 2>/dev/null\n" + then + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Result launcher(boolean asNobody, String... args) throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", bin.toString());
        env.put("OPS_HOME", home.toString());
        env.put("HOME", dir.toString());
        List<String> command = new ArrayList<>();
        if (asNobody) command.addAll(List.of("runuser", "-u", "nobody", "--"));
        command.add("/usr/bin/env");
        command.add("-i");
        env.forEach((k, v) -> command.add(k + "=" + v));
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        int code = p.waitFor();
        return new Result(code, Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String uid() {
        try {
            return Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
