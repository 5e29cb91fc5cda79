package io.discordination.ops.cli;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.runbook.testing.ProbeCliTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** The once-per-command notice of an environment without registry: (the probe's): team state stays in local files. */
class RegistryNoticeTest extends ProbeCliTest {
    private static final String NOTICE = "has no registry: section; runs, leases and the audit trail stay in";

    @Test
    void run_inAnEnvironmentWithoutRegistry_saysOnceThatTeamStateStaysLocal_andAPlanOrQuietRunDoesNot() throws Exception {
        Cli.Result run = cli.run("run", Cli.testRunbook("two-effects.jsh").toString(), "--env", env.toString(), "--yes");
        Cli.Result plan = cli.run("plan", Cli.testRunbook("two-effects.jsh").toString(), "--env", env.toString());
        Cli.Result quiet = cli.run("--quiet", "run", Cli.testRunbook("two-effects.jsh").toString(), "--env", env.toString(), "--yes");

        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.err().split(java.util.regex.Pattern.quote(NOTICE), -1)).as(run.err()).hasSize(2);
        assertThat(run.err()).contains("ops: environment test " + NOTICE + " " + cli.home(), "docs/control-plane.md");
        assertThat(run.out()).doesNotContain(NOTICE);
        assertThat(plan.all()).doesNotContain(NOTICE);
        assertThat(quiet.exitCode()).as(quiet.all()).isZero();
        assertThat(quiet.all()).doesNotContain(NOTICE);
    }

    @Test
    void noticeIfLocal_saysItOncePerRegistry_andNeverForACentralOne() {
        java.util.List<String> said = new java.util.ArrayList<>();
        io.discordination.ops.registry.Registry local = registry(null);
        io.discordination.ops.registry.Registry central = registry(io.discordination.ops.topology.Setting.of("discordination-ops"));

        assertThat(local.noticeIfLocal(said::add)).isTrue();
        assertThat(local.noticeIfLocal(said::add)).isFalse();
        assertThat(central.noticeIfLocal(said::add)).isFalse();
        assertThat(registry(null).noticeIfLocal(said::add)).as("the next command's registry").isTrue();
        assertThat(said).hasSize(2).allSatisfy(line -> assertThat(line).contains(NOTICE));
    }

    private io.discordination.ops.registry.Registry registry(io.discordination.ops.topology.Setting table) {
        return new io.discordination.ops.registry.Registry(new io.discordination.ops.topology.RegistryTopology(table, null, null, null),
                "test", cli.home(), () -> null, () -> null, () -> null);
    }
}
