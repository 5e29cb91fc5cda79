package io.discordination.ops.gate;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The confirmation prompt names remote things (a room, a key): their control characters cannot rewrite the question. */
@Tag("unit")
class ConfirmerPromptTest {
    @TempDir
    Path home;

    @Test
    void decide_whenTheTargetHoldsTerminalControls_asksWithThemEscaped() {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        Confirmer answersNo = Confirmer.streams(new BufferedReader(new StringReader("n\n")), new PrintStream(shown, true, StandardCharsets.UTF_8), false);
        // a room named to hide the real effect behind an innocent-looking line
        Effect effect = Effect.on("livekit", "room voice:1\u001b[2K\r  list-rooms (read only)\nApply")
                .verb("delete-room").param("name", "x\u001b]0;title\u0007").command(CommandTemplate.of("livekit-cli delete-room --room <room>").with("room", "voice:1\u001b[2K"))
                .destructive().build();

        Confirmer.Decision decision = answersNo.decide(effect, TestEnvironments.write(home, "dev", false));

        String prompt = shown.toString(StandardCharsets.UTF_8);
        assertThat(decision.approved()).isFalse();
        assertThat(prompt).contains("\\u001b[2K\\r  list-rooms (read only)\\nApply", "\\u0007", "[y/N]");
        assertThat(prompt.chars().filter(c -> c == 0x1b || c == '\r' || c == 0x07).count()).isZero();
    }

    @Test
    void decide_whenAnEffectListsThousandsOfAddresses_asksWithABoundedWithLine() {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        Confirmer answersNo = Confirmer.streams(new BufferedReader(new StringReader("n\n")), new PrintStream(shown, true, StandardCharsets.UTF_8), false);
        StringBuilder addresses = new StringBuilder();
        for (int i = 0; i < 2000; i++) addresses.append(i == 0 ? "" : ",").append("45.33.").append(i / 250).append('.').append(i % 250 + 1);
        Effect effect = Effect.on("aws", "waf ip set blocklist").verb("block")
                .param("addresses", addresses.toString()).param("count", 2000).param("addressesAfter", 2003).destructive().build();

        answersNo.decide(effect, TestEnvironments.write(home, "dev", false));

        String with = shown.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("  with:")).findFirst().orElseThrow();
        assertThat(with).contains("addresses=45.33.0.1,45.33.0.2,45.33.0.3,45.33.0.4,45.33.0.5 \u2026 1995 more",
                "count=2000, addressesAfter=2003");
        assertThat(with.length()).isLessThan(200);
    }
}
