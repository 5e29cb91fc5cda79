package io.discordination.ops.waf;

import io.discordination.ops.OpsException;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.RecordingGate;
import io.discordination.ops.testing.UnitTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link WafIpSet#block} against an in-memory IP set and the recording gate: no sandbox. */
@Tag("unit")
class WafIpSetUnitTest {
    private static final List<String> PRESENT = List.of("192.0.2.1/32", "192.0.2.2/32");

    private WafIpSet ipSet(RecordingGate gate, StubWafv2Client waf) {
        return new WafIpSet(UnitTopology.topology().waf(), waf, UnitTopology.context(gate));
    }

    @Test
    void block_whenPlanning_recordsADestructiveBlockWithTheSetsSizeAfterAndSendsNoUpdate() {
        RecordingGate gate = RecordingGate.planning();
        StubWafv2Client waf = new StubWafv2Client("blocked-ips", "0f1e2d3c-ipset", PRESENT);

        IpSetChange change = ipSet(gate, waf).block("203.0.113.7");

        Effect effect = gate.only();
        assertThat(effect.target()).isEqualTo("waf ip set blocked-ips");
        assertThat(effect.verb()).isEqualTo("block");
        assertThat(effect.destructive()).as("a block denies service to everyone in the range").isTrue();
        assertThat(effect.parameters()).containsEntry("ipSet", "blocked-ips").containsEntry("scope", "REGIONAL")
                .containsEntry("id", "0f1e2d3c-ipset").containsEntry("addresses", "203.0.113.7/32")
                .containsEntry("count", 1).containsEntry("addressesAfter", 3);
        assertThat(effect.command()).startsWith("aws wafv2 update-ip-set --name blocked-ips --scope REGIONAL --id 0f1e2d3c-ipset")
                .contains("203.0.113.7/32");
        assertThat(effect.inverse()).contains("update-ip-set").contains("203.0.113.7/32");
        assertThat(waf.updates).as("a plan sends no UpdateIPSet").isEmpty();
        assertThat(waf.addresses()).isEqualTo(PRESENT);
        assertThat(change.planned()).isTrue();
    }

    @Test
    void block_whenRunning_writesTheSetBackWithTheNewRangeTheLockTokenItReadAndTheDescription() {
        RecordingGate gate = RecordingGate.running();
        StubWafv2Client waf = new StubWafv2Client("blocked-ips", "0f1e2d3c-ipset", PRESENT);

        IpSetChange change = ipSet(gate, waf).block("203.0.113.7");

        assertThat(gate.only().verb()).isEqualTo("block");
        assertThat(waf.updates).singleElement().satisfies(update -> {
            assertThat(update.lockToken()).isEqualTo("token-1");
            assertThat(update.addresses()).containsExactly("192.0.2.1/32", "192.0.2.2/32", "203.0.113.7/32");
            assertThat(update.description()).as("UpdateIPSet replaces it: carried over").isEqualTo("blocked by the on-call team");
        });
        assertThat(change.changed()).isTrue();
        assertThat(change.addressesAfter()).isEqualTo(3);
    }

    @Test
    void block_whenSomeoneAddsAnAddressBetweenTheReadAndTheWrite_readsAgainAndKeepsTheirs() {
        RecordingGate gate = RecordingGate.running();
        StubWafv2Client waf = new StubWafv2Client("blocked-ips", "0f1e2d3c-ipset", PRESENT);
        waf.addByAnotherWriterAfterNextRead("198.18.0.9/32");

        IpSetChange change = ipSet(gate, waf).block("203.0.113.7");

        assertThat(waf.updates).as("the stale write, then the one after reading again").hasSize(2);
        assertThat(waf.addresses()).containsExactlyInAnyOrder("192.0.2.1/32", "192.0.2.2/32", "198.18.0.9/32", "203.0.113.7/32");
        assertThat(change.attempts()).isEqualTo(2);
        assertThat(gate.effects()).as("one effect, however many attempts").hasSize(1);
    }

    @Test
    void block_whenTheRangeIsAlreadyBlocked_recordsNoEffect() {
        RecordingGate gate = RecordingGate.running();
        StubWafv2Client waf = new StubWafv2Client("blocked-ips", "0f1e2d3c-ipset", PRESENT);

        IpSetChange change = ipSet(gate, waf).block("192.0.2.1");

        assertThat(change.changed()).isFalse();
        assertThat(gate.isEmpty()).isTrue();
        assertThat(waf.updates).isEmpty();
    }

    @Test
    void block_whenTheRangeIsThePlatformsOwn_failsBeforeReadingOrRecordingAnything() {
        RecordingGate gate = RecordingGate.running();
        StubWafv2Client waf = new StubWafv2Client("blocked-ips", "0f1e2d3c-ipset", PRESENT);

        assertThatThrownBy(() -> ipSet(gate, waf).block("198.51.100.4"))
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("198.51.100.4/32");
        assertThat(gate.isEmpty()).isTrue();
        assertThat(waf.reads).as("the policy is checked before the set is read").isEmpty();
    }
}
