package io.discordination.ops;

import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A secret planted everywhere an effect, an exception or an audit record can carry text never comes out. */
class RedactionTest {
    private static final String PLANTED = "s3cr3t-Planted-Value-7731";
    private static final String DB_PASSWORD = "db-Pa55-in-url";

    @TempDir
    Path home;

    private Environment environment() throws IOException {
        Path file = Files.writeString(home.resolve("dev.yaml"), """
                name: dev
                livekit:
                  apiSecret: ${LK_SECRET}
                postgres:
                  url: ${DATABASE_URL}
                """);
        return Environment.load(file, Map.of("LK_SECRET", PLANTED,
                "DATABASE_URL", "postgresql://app:" + DB_PASSWORD + "@127.0.0.1:5432/discordination")::get);
    }

    private static Effect plantedEverywhere() {
        return Effect.on("livekit", "room voice:1 " + PLANTED)
                .verb("remove-" + PLANTED)
                .param("plain", "x" + PLANTED + "y")
                .param("typed", Secret.of("typed-secret-only-here"))
                .param("url", "postgresql://app:" + DB_PASSWORD + "@127.0.0.1/discordination")
                .inverse("undo with " + PLANTED)
                .command(CommandTemplate.of("livekit-cli --api-secret <secret>").with("secret", PLANTED))
                .destructive()
                .build();
    }

    @Test
    void secret_whenPrintedOrSerialized_showsOnlyTheMask() {
        Secret secret = Secret.of(PLANTED);
        assertThat(secret.toString()).isEqualTo("****");
        assertThat(Json.write(Map.of("password", secret))).isEqualTo("{\"password\":\"****\"}");
        assertThat(String.valueOf(new Object[]{secret}[0])).doesNotContain(PLANTED);
    }

    @Test
    void auditLog_whenEffectFailsWithTheSecretInItsMessage_neverContainsTheSecret() throws IOException {
        ByteArrayOutputStream prompt = new ByteArrayOutputStream();
        Confirmer answersYes = Confirmer.streams(new BufferedReader(new StringReader("y\n")), new PrintStream(prompt, true), false);
        try (OpsContext ctx = OpsContext.builder().environment(environment()).opsHome(home).mode(Mode.EXECUTE).confirmer(answersYes).build()) {
            assertThatThrownBy(() -> ctx.gate().apply(plantedEverywhere(), () -> {
                throw new IllegalStateException("server said: bad secret " + PLANTED + " for postgresql://app:" + DB_PASSWORD + "@h/db");
            }, () -> null))
                    .isInstanceOf(OpsException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PLANTED, DB_PASSWORD).contains("****"));

            String audit = Files.readString(ctx.gate().audit().file());
            assertThat(audit).contains("\"started\"", "\"failed\"", "****").doesNotContain(PLANTED, DB_PASSWORD, "typed-secret-only-here");
            assertThat(prompt.toString()).contains("remove-").doesNotContain(PLANTED, DB_PASSWORD, "typed-secret-only-here");
        }
    }

    @Test
    void plan_whenEffectCarriesSecrets_showsThemMasked() throws IOException {
        try (OpsContext ctx = OpsContext.builder().environment(environment()).opsHome(home).mode(Mode.DRY_RUN).build()) {
            ctx.gate().apply(plantedEverywhere(), () -> null, () -> null);
            String plan = ctx.plan().toString() + ctx.plan().effects() + Json.write(ctx.plan().effects());
            assertThat(plan).contains("****").doesNotContain(PLANTED, DB_PASSWORD, "typed-secret-only-here");
        }
    }

    @Test
    void redactor_whenSecretRegisteredLater_masksItToo() {
        Redactor redactor = new Redactor();
        redactor.register(Secret.of("rotated-new-value-123"));
        assertThat(redactor.redact("new value rotated-new-value-123 set")).isEqualTo("new value **** set");
        assertThat(redactor.redact("redis://:pw-in-url@cache:6379")).isEqualTo("redis://:****@cache:6379");
    }
}
