package io.discordination.ops.drill;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drills of the database, cache, security and storage runbooks where a wrong runbook must fail
 * them (every shipped runbook's own drill is in {@link ShippedRunbookDrillsTest}): the report says
 * what stayed broken, and a verify step that holds on the broken system is a defect.
 */
class DataAndSecurityDrillsTest {
    @Test
    @Drill(value = "rotate-secrets", runbook = "ops-dsl/src/test/resources/drills/rotate-secrets-verify-only-stable.jsh")
    void rotateSecrets_whenTheVerifyStepOnlyAsksForStableServices_reportsARunbookDefect(DrillReport report) {
        assertThat(report.passed()).isFalse();
        assertThat(report.verifyBefore()).singleElement().satisfies(v -> assertThat(v.held()).isTrue());
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).startsWith("runbook defect: its verify step 'api and gateway are stable'"));
        // the remedy itself works: only the verify step is at fault
        assertThat(report.probes()).allSatisfy(p -> assertThat(p.passedAfter()).as(p.probe() + ": " + p.after()).isTrue());
    }

    @Test
    @Drill(value = "compromised-account", runbook = "ops-dsl/src/test/resources/drills/compromised-account-no-disconnect.jsh")
    void compromisedAccount_whenTheGatewayIsNotTold_failsWithTheWebSocketStillConnected(DrillExtension.Outcome outcome) {
        DrillReport report = outcome.report();

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).singleElement().satisfies(p -> assertThat(p)
                .startsWith("still broken: no WebSocket of the account is connected").contains("1 subscribers on user:"));
        assertThat(report.probes()).filteredOn(p -> !p.probe().startsWith("no WebSocket"))
                .allSatisfy(p -> assertThat(p.passedAfter()).isTrue());
    }

    @Test
    @Drill(value = "connection-pool-exhaustion", runbook = "ops-dsl/src/test/resources/drills/connection-pool-exhaustion-old-sessions-only.jsh")
    void connectionPoolExhaustion_whenOnlyHourOldSessionsAreEnded_failsWithTheSlotsStillTaken(DrillReport report) {
        assertThat(report.passed()).isFalse();
        assertThat(report.verifyBefore()).singleElement().satisfies(v -> assertThat(v.held()).isFalse());
        assertThat(report.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("still broken: the api can open a database connection").contains("53300"));
        assertThat(report.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("still broken: the application's role has free connection slots").contains("80 of 80 slots in use"));
    }

    @Test
    @Drill(value = "flush-redis-cache", runbook = "ops-dsl/src/test/resources/drills/flush-redis-cache-flushes-rate-limits.groovy")
    void flushRedisCache_whenTheRateLimitsAreFlushedInstead_failsWithTheStaleEntriesLeft(DrillReport report) {
        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("still broken: no API cache entry is stale").contains("1500 stale of 5000 api:cache entries"));
    }
}
