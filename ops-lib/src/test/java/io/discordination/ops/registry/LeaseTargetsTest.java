package io.discordination.ops.registry;

import io.discordination.ops.gate.Effect;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lease targets as the contract names them, and local leases between two runs of one process. */
@Tag("unit")
class LeaseTargetsTest {
    @TempDir
    Path home;

    private static String of(String system, String target) {
        return LeaseTargets.of(Effect.on(system, target).verb("v").build());
    }

    @Test
    void of_namesAwsTargetsByService_redisByServer_andOpsItselfNot() {
        assertThat(of("aws", "ecs service discordination-prod/api")).isEqualTo("ecs:discordination-prod/api");
        assertThat(of("aws", "rds instance discordination-prod")).isEqualTo("rds:discordination-prod");
        assertThat(of("aws", "secret discordination/jwt-secret")).isEqualTo("secret:discordination/jwt-secret");
        assertThat(of("aws", "waf ip set blocked-ips")).isEqualTo("waf:blocked-ips");
        assertThat(of("aws", "s3 object s3://discordination-files/a/b.png")).isEqualTo("s3:discordination-files/a/b.png");
        assertThat(of("redis", "redis 127.0.0.1:6379 db 3")).isEqualTo("redis:127.0.0.1:6379");
        assertThat(of("redis", "redis cluster 10.0.0.1:7000")).isEqualTo("redis:10.0.0.1:7000");
        assertThat(of("postgres", "user 42 in discordination")).isEqualTo("postgres:user 42 in discordination");
        assertThat(of("ops", "lease secret:x in prod")).isNull();
    }

    @Test
    void localLeases_secondRunOfTheProcessIsRefusedNamingTheFirst_untilTheFirstEnds() {
        LocalLeases store = new LocalLeases(home.resolve("locks"), "local");
        RunLeases first = new RunLeases(() -> store, () -> "alice", "local", "run-1", Duration.ofSeconds(60));
        RunLeases second = new RunLeases(() -> store, () -> "bob", "local", "run-2", Duration.ofSeconds(60));
        first.runbook("rotate-secrets");

        first.take("secret:s", "rotate-secret secret s");
        assertThat(first.take("secret:s", "again")).as("a run takes its own target again").isNotNull();
        assertThatThrownBy(() -> second.take("secret:s", "rotate-secret secret s"))
                .hasMessageContaining("secret:s is held by alice since ").hasMessageContaining("(runbook rotate-secrets on host ")
                .hasMessageContaining("run run-1)");
        assertThat(store.list()).extracting(Lease::target, Lease::runId).containsExactly(org.assertj.core.groups.Tuple.tuple("secret:s", "run-1"));

        first.close();
        assertThat(second.take("secret:s", "rotate-secret secret s").runId()).isEqualTo("run-2");
        second.close();
        assertThat(store.list()).isEmpty();
    }
}
