package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each scenario of the data, security and storage runbooks, drilled as {@code ops drill} does it:
 * break, every probe fails; the shipped runbook runs ({@code ops run NAME --yes} with the
 * scenario's parameters, the CLI in a process of its own); every probe passes; heal.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class ScenarioRunbookDrillTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    void connectionPoolExhaustion_whenRunbookRuns_probesRecover(Sandbox sandbox) throws Exception {
        drill(sandbox, new ConnectionPoolExhaustion(), Map.of());
    }

    @Test
    void flushRedisCache_whenRunbookRuns_probesRecover(Sandbox sandbox) throws Exception {
        drill(sandbox, new FlushRedisCache(), Map.of());
    }

    @Test
    void flushRedisCache_whenOnlyRateLimitsAreFlushed_staysBroken(Sandbox sandbox) throws Exception {
        drillFails(sandbox, new FlushRedisCache(), Map.of("scope", "rate-limits"));
    }

    @Test
    void compromisedAccount_whenRunbookRuns_probesRecover(Sandbox sandbox) throws Exception {
        drill(sandbox, new CompromisedAccount(), Map.of());
    }

    @Test
    void rateLimitBypass_whenRunbookRuns_probesRecover(Sandbox sandbox) throws Exception {
        drill(sandbox, new RateLimitBypass(), Map.of());
    }

    @Test
    void restoreDeletedFile_whenRunbookRuns_probesRecover(Sandbox sandbox) throws Exception {
        drill(sandbox, new RestoreDeletedFile(), Map.of());
    }

    @Test
    void rotateSecrets_whenRunbookRuns_probesRecover(Sandbox sandbox) throws Exception {
        drill(sandbox, new RotateSecrets(), Map.of());
    }

    @Test
    void rotateSecrets_whenOnlyTheJwtSecretIsRotated_staysBroken(Sandbox sandbox) throws Exception {
        drillFails(sandbox, new RotateSecrets(), Map.of("secret", "jwt"));
    }

    @Test
    void cleanupRun_whenRunbookRuns_probesRecover(Sandbox sandbox) throws Exception {
        drill(sandbox, new CleanupRun(), Map.of());
    }

    private static void drill(Sandbox sandbox, Scenario scenario, Map<String, String> override) throws Exception {
        List<Observation> after = run(sandbox, scenario, override, scenario.recoveryWait());
        assertThat(after).as("probes after the runbook").allMatch(Observation::passed);
    }

    private static void drillFails(Sandbox sandbox, Scenario scenario, Map<String, String> override) throws Exception {
        // a wrong remedy has nothing to wait for: the probes are read a few times over some seconds
        List<Observation> after = run(sandbox, scenario, override, Duration.ofSeconds(5));
        assertThat(after).as("probes after the wrong runbook").anyMatch(o -> !o.passed());
    }

    private static List<Observation> run(Sandbox sandbox, Scenario scenario, Map<String, String> override, Duration wait) throws Exception {
        try (SandboxAccess access = SandboxAccess.open(sandbox)) {
            try {
                scenario.breakIt(access);
                List<Observation> broken = scenario.probes().stream().map(p -> p.observe(access)).toList();
                assertThat(broken).as("probes after the break").allMatch(o -> !o.passed());
                Map<String, String> params = new java.util.LinkedHashMap<>(scenario.runbookParams(access));
                params.putAll(override);
                String out = ops(sandbox, scenario.name(), params);
                System.out.println(out);
                long deadline = System.nanoTime() + wait.toNanos();
                while (true) {
                    List<Observation> seen = scenario.probes().stream().map(p -> p.observe(access)).toList();
                    System.out.println(scenario.name() + " probes: " + seen);
                    if (seen.stream().allMatch(Observation::passed) || System.nanoTime() > deadline) return seen;
                    Thread.sleep(1000);
                }
            } finally {
                scenario.heal(access);
            }
        }
    }

    /** {@code ops run NAME --yes --param k=v ...} in its own JVM, on the sandbox's local environment. */
    private static String ops(Sandbox sandbox, String runbook, Map<String, String> params) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", ROOT.resolve("ops-dsl/target/ops.jar").toString(), "io.discordination.ops.cli.OpsCommand",
                "run", runbook, "--yes"));
        params.forEach((k, v) -> {
            command.add("--param");
            command.add(k + "=" + v);
        });
        Path out = Files.createTempFile("drill-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("OPS_HOME", sandbox.opsHome().toString());
            Process process = builder.start();
            if (!process.waitFor(Duration.ofMinutes(3).toSeconds(), TimeUnit.SECONDS)) process.destroyForcibly();
            return "exit " + process.exitValue() + "\n" + Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
