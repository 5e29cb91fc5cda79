package io.discordination.ops.drill;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.drill.Observation;
import io.discordination.ops.sandbox.drill.SandboxAccess;
import io.discordination.ops.sandbox.drill.Scenario;
import io.discordination.ops.sandbox.drill.Scenarios;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Breaks that the sandbox agent holds (idle PostgreSQL sessions, the gateway's subscription of a
 * user's channel) outlive {@code ops sandbox break}, whose clients are closed when it ends, and
 * {@code ops sandbox heal} ends them.
 */
@ExtendWith(SandboxExtension.class)
class HeldBreaksTest {
    @Test
    void sandboxBreak_whenTheCommandHasEnded_keepsTheHeldSessionsUntilHeal(Sandbox sandbox) throws Exception {
        breakThenHeal(sandbox, "connection-pool-exhaustion");
    }

    @Test
    void sandboxBreak_whenTheCommandHasEnded_keepsTheGatewaySubscriptionUntilHeal(Sandbox sandbox) throws Exception {
        breakThenHeal(sandbox, "compromised-account");
    }

    private static void breakThenHeal(Sandbox sandbox, String name) throws Exception {
        Scenario scenario = Scenarios.byName(name).orElseThrow();
        Cli cli = new Cli(sandbox.opsHome(), Cli.projectRoot());

        Cli.Result broke = cli.run("sandbox", "break", name);
        assertThat(broke.exitCode()).as(broke.all()).isZero();
        try (SandboxAccess access = SandboxAccess.open(sandbox)) {
            List<Observation> broken = scenario.probes().stream().map(p -> p.observe(access)).toList();
            assertThat(broken).as("probes after the break command ended").noneMatch(Observation::passed);
            assertThat(access.agent("/sandbox/drill/status", null)).doesNotContain("\"idleSessions\":0,\"subscriptions\":0");
        }

        Cli.Result healed = cli.run("sandbox", "heal");
        assertThat(healed.exitCode()).as(healed.all()).isZero();
        assertThat(healed.out()).contains("it was: " + name, "not fixed");
        try (SandboxAccess access = SandboxAccess.open(sandbox)) {
            assertThat(access.agent("/sandbox/drill/status", null)).contains("\"idleSessions\":0,\"subscriptions\":0");
            assertThat(access.redis().pubsubNumsub("user:" + io.discordination.ops.sandbox.SeedData.WELL_KNOWN_USER_ID))
                    .containsEntry("user:" + io.discordination.ops.sandbox.SeedData.WELL_KNOWN_USER_ID, 0L);
            try (var c = access.database(); var s = c.createStatement();
                 var rs = s.executeQuery("select count(*) from pg_stat_activity where application_name = 'discordination-api'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("held sessions left after heal").isZero();
            }
        }
    }
}
