package io.discordination.ops.gate;

import io.discordination.ops.OpsException;
import io.discordination.ops.Secret;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class RecordingGateTest {
    private final AtomicInteger performed = new AtomicInteger();

    private static Effect flush(String target) {
        return Effect.on("redis", target).verb("flush").param("db", 0).destructive().command(CommandTemplate.of("redis-cli FLUSHDB ASYNC").values()).build();
    }

    private static Effect publish(String channel) {
        return Effect.on("redis", "redis channel " + channel).verb("publish").param("channel", channel).build();
    }

    private String perform(Gate gate, Effect effect) {
        return gate.apply(effect, () -> "done-" + performed.incrementAndGet(), () -> "planned");
    }

    @Test
    void apply_whenPlanning_recordsTheEffectReturnsThePlannedResultAndRunsNothing() {
        RecordingGate gate = RecordingGate.planning();

        assertThat(perform(gate, flush("cache"))).isEqualTo("planned");

        assertThat(performed).hasValue(0);
        assertThat(gate.only()).isEqualTo(flush("cache"));
        assertThat(gate.plan().effects()).containsExactly(flush("cache"));
        assertThat(gate.applied()).isEmpty();
        assertThat(gate.isDryRun()).isTrue();
        assertThat(gate.mode()).isEqualTo(Mode.DRY_RUN);
    }

    @Test
    void apply_whenPlanningWithoutAPlannedResult_returnsNull() {
        RecordingGate gate = RecordingGate.planning();

        assertThat(gate.<String>apply(flush("cache"), () -> "done", null)).isNull();
        assertThat(gate.effects()).hasSize(1);
    }

    @Test
    void apply_whenRunning_recordsTheEffectAndReturnsWhatItsCodeReturned() {
        RecordingGate gate = RecordingGate.running();

        assertThat(perform(gate, flush("cache"))).isEqualTo("done-1");

        assertThat(performed).hasValue(1);
        assertThat(gate.only()).isEqualTo(flush("cache"));
        assertThat(gate.applied()).containsExactly(flush("cache"));
        assertThat(gate.plan().isEmpty()).isTrue();
        assertThat(gate.isDryRun()).isFalse();
        // no one to ask, as with --yes: a verb does not resolve extra detail for a prompt
        assertThat(gate.asksBeforeDestructive()).isFalse();
    }

    @Test
    void effects_whenSeveral_keepsTheOrderTheyWereHandedIn() {
        RecordingGate gate = RecordingGate.running();
        perform(gate, publish("user:1"));
        perform(gate, flush("cache"));
        perform(gate, publish("user:2"));

        assertThat(gate.summaries()).containsExactly("publish redis channel user:1", "flush cache", "publish redis channel user:2");
        assertThat(gate.withVerb("publish")).extracting(e -> e.parameters().get("channel")).containsExactly("user:1", "user:2");
        assertThat(gate.only("flush").target()).isEqualTo("cache");
        assertThat(gate.last().target()).isEqualTo("redis channel user:2");
    }

    @Test
    void only_whenNoneOrSeveral_failsNamingWhatWasRecorded() {
        RecordingGate gate = RecordingGate.planning();
        assertThatThrownBy(gate::only).isInstanceOf(AssertionError.class).hasMessageContaining("recorded none");
        assertThatThrownBy(gate::last).isInstanceOf(AssertionError.class).hasMessageContaining("recorded none");
        assertThat(gate.isEmpty()).isTrue();

        perform(gate, publish("user:1"));
        perform(gate, publish("user:2"));

        assertThatThrownBy(gate::only).isInstanceOf(AssertionError.class)
                .hasMessageContaining("recorded 2: ")
                .hasMessageContaining("publish redis channel user:1")
                .hasMessageContaining("publish redis channel user:2");
        assertThatThrownBy(() -> gate.only("publish")).isInstanceOf(AssertionError.class).hasMessageContaining("exactly one publish");
        assertThatThrownBy(() -> gate.only("flush")).isInstanceOf(AssertionError.class).hasMessageContaining("exactly one flush");
    }

    @Test
    void effects_whenAParameterIsASecret_keepsItAsTheVerbBuiltItWhileThePlanShowsItMasked() {
        RecordingGate gate = RecordingGate.planning();
        Secret secret = Secret.of("hunter2-planted");
        gate.apply(Effect.on("aws", "secret jwt").verb("put-secret-value").param("value", secret).build(), () -> null, () -> null);

        assertThat(gate.only().parameters().get("value")).isSameAs(secret);
        assertThat(gate.plan().effects().get(0).parameters().get("value")).isEqualTo("****");
        assertThat(gate.plan().toString()).doesNotContain("hunter2-planted");
    }

    @Test
    void apply_whenRunningAndTheCodeThrows_reportsItAsAnExecutingGateDoes() {
        RecordingGate gate = RecordingGate.running();

        assertThatThrownBy(() -> gate.apply(flush("cache"), () -> {
            throw new IOException("connection reset by peer");
        }, () -> null))
                .isInstanceOf(OpsException.class)
                .hasMessageContaining("flush cache failed: connection reset by peer")
                .hasCauseInstanceOf(IOException.class);
        OpsException notFound = OpsException.builder("No such secret").notFound();
        assertThatThrownBy(() -> gate.apply(flush("cache"), () -> {
            throw notFound;
        }, () -> null)).isSameAs(notFound);
        assertThat(gate.effects()).hasSize(2);
        assertThat(gate.interrupted("test")).as("nothing left in flight").isNull();
    }

    @Test
    void refuse_whenNothingRan_recordsTheRefusalAndThrowsItSayingNothingChanged() {
        RecordingGate gate = RecordingGate.running();
        Effect preflight = Effect.on("ops", "runbook rotate-secrets").verb("preflight").build();

        assertThatThrownBy(() -> {
            throw gate.refuse(preflight, "no rotation function");
        }).isInstanceOfSatisfying(OpsException.RefusedException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(OpsException.EXIT_REFUSED);
            assertThat(e.hint()).isEqualTo("nothing was changed");
        }).hasMessageContaining("Refused: preflight runbook rotate-secrets: no rotation function");

        assertThat(gate.refusals()).containsExactly(new RecordingGate.Refusal(preflight, "no rotation function"));
        assertThat(gate.effects()).as("a refusal is not an applied effect").isEmpty();
    }

    @Test
    void refuse_whenAnEffectAlreadyRan_namesItInTheHint() {
        RecordingGate gate = RecordingGate.running();
        perform(gate, flush("cache"));

        assertThatThrownBy(() -> gate.refuse(publish("user:1"), "policy"))
                .isInstanceOfSatisfying(OpsException.RefusedException.class,
                        e -> assertThat(e.hint()).isEqualTo("already changed before this refusal: flush cache"));
    }

    @Test
    void interrupted_whileAnEffectRuns_returnsItsSummary() {
        RecordingGate gate = RecordingGate.running();

        String seen = gate.apply(flush("cache"), () -> gate.interrupted("SIGINT"), () -> null);

        assertThat(seen).isEqualTo("flush cache");
        assertThat(RecordingGate.planning().interrupted("SIGINT")).isNull();
    }

    @Test
    void audit_always_saysThereIsNoAuditLog() {
        assertThatThrownBy(() -> RecordingGate.running().audit())
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("effects()");
    }
}
