package io.discordination.ops.gate;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag("unit")
class GateTest {
    @TempDir
    Path home;

    private final AtomicInteger performed = new AtomicInteger();

    private OpsContext context(Environment env, Mode mode, Confirmer confirmer) {
        return OpsContext.builder().environment(env).opsHome(home).mode(mode).confirmer(confirmer).build();
    }

    private static Effect destructive(String target) {
        return Effect.on("redis", target).verb("delete-matching").param("pattern", "api:cache:*")
                .command(io.discordination.ops.redis.Redis.DELETE_MATCHING.with("pattern", "api:cache:*")).destructive().build();
    }

    private static Effect harmless(String target) {
        return Effect.on("redis", target).verb("publish").param("channel", "user:1").build();
    }

    private String perform(Gate gate, Effect effect) {
        return gate.apply(effect, () -> "done-" + performed.incrementAndGet(), () -> "planned");
    }

    private List<String> events(OpsContext ctx) {
        return ctx.gate().audit().read().stream().map(AuditLog.Record::event).toList();
    }

    @Test
    void apply_whenDryRun_recordsThePlanAndPerformsNothing() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.DRY_RUN, Confirmer.nonInteractive(false, null))) {
            ctx.plan().step("Flush the API cache");

            String result = perform(ctx.gate(), destructive("redis cache"));

            assertThat(result).isEqualTo("planned");
            assertThat(performed).hasValue(0);
            assertThat(ctx.plan().entries()).singleElement().satisfies(e -> {
                assertThat(e.step()).isEqualTo("Flush the API cache");
                assertThat(e.effect().command()).contains("api:cache:*");
            });
            assertThat(ctx.plan().toString()).contains("delete-matching redis cache", "yes");
            assertThat(events(ctx)).isEmpty();
        }
    }

    @Test
    void build_whenDryRunOrExecuting_givesThePlanningOrTheExecutingGate() {
        Environment dev = TestEnvironments.write(home, "dev", false);
        try (OpsContext plan = context(dev, Mode.DRY_RUN, Confirmer.nonInteractive(false, null));
             OpsContext run = context(dev, Mode.EXECUTE, Confirmer.nonInteractive(false, null))) {
            assertThat(plan.gate()).isInstanceOf(PlanningGate.class);
            assertThat(plan.isDryRun()).isTrue();
            assertThat(run.gate()).isInstanceOf(ExecutingGate.class);
            assertThat(run.mode()).isEqualTo(Mode.EXECUTE);
        }
    }

    @Test
    void refuse_whenDryRun_throwsWithoutAuditing() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.DRY_RUN, Confirmer.nonInteractive(false, null))) {
            assertThatThrownBy(() -> {
                throw ctx.gate().refuse(harmless("channel"), "policy says no");
            }).isInstanceOf(OpsException.RefusedException.class)
                    .hasMessageContaining("Refused: publish channel: policy says no")
                    .hasMessageContaining("nothing was changed");
            assertThat(events(ctx)).isEmpty();
        }
    }

    @Test
    void refuse_whenExecutingAfterAnEffect_auditsTheRefusalAndNamesWhatChanged() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.EXECUTE, Confirmer.nonInteractive(false, null))) {
            perform(ctx.gate(), harmless("channel"));
            assertThatThrownBy(() -> {
                throw ctx.gate().refuse(harmless("other"), "policy says no");
            }).isInstanceOf(OpsException.RefusedException.class)
                    .hasMessageContaining("already changed before this refusal: publish channel");
            assertThat(events(ctx)).containsExactly("started", "ok", "refused");
            assertThat(ctx.gate().applied()).extracting(Effect::summary).containsExactly("publish channel");
        }
    }

    @Test
    void apply_whenExecutingHarmlessEffect_performsItWithoutAskingAndAuditsStartAndEnd() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.EXECUTE, Confirmer.nonInteractive(false, null))) {
            assertThat(perform(ctx.gate(), harmless("redis channel user:1"))).isEqualTo("done-1");
            assertThat(events(ctx)).containsExactly("started", "ok");
            AuditLog.Record ok = ctx.gate().audit().read().get(1);
            assertThat(ok.runId()).isEqualTo(ctx.runId());
            assertThat(ok.environment()).isEqualTo("dev");
            assertThat(ok.operator().user()).isEqualTo(System.getProperty("user.name"));
            assertThat(ok.durationMs()).isNotNull();
            assertThat(ok.effect().verb()).isEqualTo("publish");
        }
    }

    @Test
    void apply_whenTheEffectCanBeUndone_theOkRecordCarriesTheInverseBuiltFromTheResult() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.EXECUTE, Confirmer.nonInteractive(false, null))) {
            String result = ctx.gate().apply(harmless("redis channel user:1"), () -> "done-" + performed.incrementAndGet(),
                    () -> "planned", done -> Effect.on("redis", "channel user:1").verb("unpublish").param("what", done).build());

            assertThat(result).isEqualTo("done-1");
            List<AuditLog.Record> records = ctx.gate().audit().read();
            assertThat(records).extracting(AuditLog.Record::event).containsExactly("started", "ok");
            assertThat(records.get(0).undo()).isNull();
            assertThat(records.get(1).undo()).satisfies(u -> {
                assertThat(u.verb()).isEqualTo("unpublish");
                assertThat(u.parameters()).containsEntry("what", "done-1");
            });
        }
    }

    @Test
    void apply_whenDryRunOfAnEffectThatCanBeUndone_thePlanSaysSoAndNothingRuns() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.DRY_RUN, Confirmer.nonInteractive(false, null))) {
            ctx.gate().apply(harmless("a"), () -> "done-" + performed.incrementAndGet(), () -> "planned",
                    done -> Effect.on("redis", "a").verb("unpublish").build());
            perform(ctx.gate(), harmless("b"));

            assertThat(ctx.plan().entries()).extracting(Plan.Entry::undoable).containsExactly(true, false);
            assertThat(performed).hasValue(0);
        }
    }

    @Test
    void apply_whenDestructiveWithoutTerminalOrYes_refusesWithExitCode3AndChangesNothing() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.EXECUTE, Confirmer.nonInteractive(false, null))) {
            assertThatThrownBy(() -> perform(ctx.gate(), destructive("redis cache")))
                    .isInstanceOfSatisfying(OpsException.RefusedException.class, e -> assertThat(e.exitCode()).isEqualTo(3))
                    .hasMessageContaining("--yes")
                    .hasMessageContaining("nothing was changed");
            assertThat(performed).hasValue(0);
            assertThat(events(ctx)).containsExactly("refused");
        }
    }

    @Test
    void apply_whenYes_performsDestructiveEffect() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.EXECUTE, Confirmer.nonInteractive(true, null))) {
            assertThat(perform(ctx.gate(), destructive("redis cache"))).isEqualTo("done-1");
            assertThat(events(ctx)).containsExactly("started", "ok");
        }
    }

    @Test
    void apply_whenOperatorAnswersAtThePrompt_followsTheAnswer() {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        Confirmer answers = Confirmer.streams(new BufferedReader(new StringReader("y\nn\n\n")), new PrintStream(shown, true), false);
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.EXECUTE, answers)) {
            assertThat(perform(ctx.gate(), destructive("first"))).isEqualTo("done-1");
            assertThatThrownBy(() -> perform(ctx.gate(), destructive("second"))).isInstanceOf(OpsException.RefusedException.class);
            assertThatThrownBy(() -> perform(ctx.gate(), destructive("third"))).isInstanceOf(OpsException.RefusedException.class);
            assertThat(performed).hasValue(1);
            assertThat(shown.toString())
                    .contains("delete-matching first", "redis-cli --scan", "cannot be undone", "[y/N]");
        }
    }

    @Test
    void apply_whenProtectedAndOnlyYes_refusesUntilTheNameIsTyped() {
        Environment prod = TestEnvironments.write(home, "prod", true);
        try (OpsContext ctx = context(prod, Mode.EXECUTE, Confirmer.nonInteractive(true, null))) {
            assertThatThrownBy(() -> perform(ctx.gate(), destructive("cache")))
                    .isInstanceOf(OpsException.RefusedException.class)
                    .hasMessageContaining("protected")
                    .hasMessageContaining("--confirm-env prod");
        }
        try (OpsContext ctx = context(prod, Mode.EXECUTE, Confirmer.nonInteractive(true, "prod"))) {
            assertThat(perform(ctx.gate(), destructive("cache"))).isEqualTo("done-1");
        }
        try (OpsContext ctx = context(prod, Mode.EXECUTE, Confirmer.nonInteractive(true, "staging"))) {
            assertThatThrownBy(() -> perform(ctx.gate(), destructive("cache"))).isInstanceOf(OpsException.RefusedException.class);
        }
        assertThat(performed).hasValue(1);
    }

    @Test
    void apply_whenProtectedAndInteractive_asksForTheNameOnceThenYesNoForEachEffect() {
        Environment prod = TestEnvironments.write(home, "prod", true);
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        Confirmer wrongName = Confirmer.streams(new BufferedReader(new StringReader("yes\n")), new PrintStream(shown, true), false);
        try (OpsContext ctx = context(prod, Mode.EXECUTE, wrongName)) {
            assertThatThrownBy(() -> perform(ctx.gate(), destructive("cache")))
                    .isInstanceOf(OpsException.RefusedException.class).hasMessageContaining("name was not typed");
        }
        ByteArrayOutputStream asked = new ByteArrayOutputStream();
        Confirmer typed = Confirmer.streams(new BufferedReader(new StringReader("prod\ny\ny\n")), new PrintStream(asked, true), false);
        try (OpsContext ctx = context(prod, Mode.EXECUTE, typed)) {
            assertThat(perform(ctx.gate(), destructive("first"))).isEqualTo("done-1");
            assertThat(perform(ctx.gate(), destructive("second"))).isEqualTo("done-2");
        }
        // the name once, then y/N for every destructive effect, the first one included (as the README says)
        assertThat(asked.toString().split("Type its name", -1)).hasSize(2);
        assertThat(asked.toString().split("\\[y/N\\]", -1)).hasSize(3);
        assertThat(asked.toString().split("delete-matching first", -1)).as("described once").hasSize(2);
    }

    @Test
    void apply_whenProtectedAndTheNameIsTypedButTheAnswerIsNo_refusesAsDeclined() {
        Environment prod = TestEnvironments.write(home, "prod", true);
        Confirmer typedThenNo = Confirmer.streams(new BufferedReader(new StringReader("prod\nn\n")),
                new PrintStream(new ByteArrayOutputStream(), true), false);
        try (OpsContext ctx = context(prod, Mode.EXECUTE, typedThenNo)) {
            assertThatThrownBy(() -> perform(ctx.gate(), destructive("first")))
                    .isInstanceOf(OpsException.RefusedException.class).hasMessageContaining(Confirmer.DECLINED);
        }
        assertThat(performed).hasValue(0);
    }

    @Test
    void apply_whenProtectedEnvironmentButHarmlessEffect_asksNothing() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "prod", true), Mode.EXECUTE, Confirmer.nonInteractive(false, null))) {
            assertThat(perform(ctx.gate(), harmless("channel"))).isEqualTo("done-1");
        }
    }

    @Test
    void apply_whenActionRuns_theStartedRecordIsAlreadyOnDisk() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.EXECUTE, Confirmer.nonInteractive(true, null))) {
            List<String> seenDuringAction = ctx.gate().apply(destructive("cache"), () -> events(ctx), List::of);
            assertThat(seenDuringAction).containsExactly("started");
        }
    }

    @Test
    void apply_whenActionThrows_auditsFailedWithTheReasonAndRethrowsAsOpsException() {
        try (OpsContext ctx = context(TestEnvironments.write(home, "dev", false), Mode.EXECUTE, Confirmer.nonInteractive(true, null))) {
            assertThatThrownBy(() -> ctx.gate().apply(destructive("cache"), () -> {
                throw new IllegalStateException("connection reset by peer");
            }, () -> null))
                    .isInstanceOf(OpsException.class)
                    .hasMessageContaining("delete-matching cache failed: connection reset by peer");
            List<AuditLog.Record> records = ctx.gate().audit().read();
            assertThat(records).extracting(AuditLog.Record::event).containsExactly("started", "failed");
            assertThat(records.get(1).reason()).isEqualTo("connection reset by peer");
        }
    }

    @Test
    void apply_whenProcessIsKilledDuringTheEffect_theStartedRecordSurvives() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HaltDuringEffect.class.getName(), home.toString())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor()).as(output).isEqualTo(HaltDuringEffect.HALT_CODE);

        List<AuditLog.Record> records = AuditLog.forEnvironment(home, "dev", new io.discordination.ops.Redactor()).read();
        assertThat(records).extracting(AuditLog.Record::event).containsExactly("started");
        assertThat(records.get(0).effect().target()).isEqualTo("cache");
    }
}
