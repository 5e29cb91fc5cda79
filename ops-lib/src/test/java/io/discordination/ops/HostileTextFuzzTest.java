package io.discordination.ops;

import io.discordination.ops.text.Table;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and adversarial text (runs of {@code a.}, {@code ://}, {@code @}, control characters,
 * long single tokens, quotes, backslashes, unicode) with known secrets planted in it, through the
 * redactor and table rendering: no secret survives, no raw control character reaches a table, a
 * redacted JSON line still parses, and all of it takes time linear in the text (the bound is
 * generous; it guards against quadratic blow-up, not for speed).
 */
class HostileTextFuzzTest {
    private static final List<String> SECRETS = List.of("p@ss:w/rd#1 x", "lk-S3cret-0123456789abcdef", "a.a.a.a.b",
            "пароль-секрет", "tok\"en\\val", "s3cr\u001bt\nline", "aaaa", "\u202eevil-rtl",
            // tails that JSON may write right after an escape's backslash (\n0-..., \u0001a-...)
            "n0-secret-tail", "01a-secret-tail");
    private static final String[] PIECES = {"a.", "a.a.a.", "://", "@", ":", "=", "password=", "&token=", "?pwd=", "redis://:",
            "postgresql://app:", "\u001b[2K", "\r", "\n", "\t", "\"", "\\", "\\u00", "'", " ", "%zz", "%41", "\u0085", "\u009b",
            "\u202e", "\u2028", "😀", "é", "\0", "*", "****", "x", "0", "secret", "%", "0-secret-tail", "a-secret-tail", "\u0001"};
    private static final int KB = 1024;

    /** Text of about {@code length} characters from the pieces above, random characters and planted secrets. */
    private static String hostile(Random random, int length) {
        StringBuilder sb = new StringBuilder(length + 64);
        while (sb.length() < length) {
            switch (random.nextInt(10)) {
                case 0 -> sb.append(SECRETS.get(random.nextInt(SECRETS.size())));
                case 1 -> sb.append("postgresql://app:").append(SECRETS.get(random.nextInt(SECRETS.size()))).append("@db:5432/x");
                case 2 -> sb.append((char) random.nextInt(0x3000));
                case 3 -> sb.append(PIECES[random.nextInt(PIECES.length)].repeat(1 + random.nextInt(2000)));
                default -> sb.append(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        return sb.toString();
    }

    private static Redactor redactor() {
        Redactor redactor = new Redactor();
        SECRETS.forEach(s -> redactor.register(Secret.of(s)));
        return redactor;
    }

    private static void assertNoSecret(String text) {
        for (String s : SECRETS) assertThat(text).as("secret %s", s).doesNotContain(s);
    }

    @Test
    void redact_whenTextIsRandomAndHostile_leavesNoSecretKeepsJsonAndTakesLinearTime() throws Exception {
        Redactor redactor = redactor();
        Random random = new Random(20261201);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 12; i++) texts.add(hostile(random, 256 * KB));
        // single long tokens and runs, the shapes that made the old patterns backtrack
        texts.add("[info] GET /api/v9/" + "a.".repeat(128 * KB));
        texts.add("x://" + "a:".repeat(128 * KB) + "@");
        texts.add("@".repeat(256 * KB));
        texts.add("://".repeat(85 * KB));
        texts.add("password=".repeat(28 * KB));
        texts.add("\\".repeat(256 * KB) + "aaaa");
        texts.add("a".repeat(256 * KB));

        long start = System.nanoTime();
        long characters = 0;
        for (String text : texts) {
            String redacted = redactor.redact(text);
            assertNoSecret(redacted);
            String json = redactor.redact(Json.write(Map.of("message", text)));
            String parsed = Json.mapper().readTree(json).get("message").asText();
            assertNoSecret(parsed);
            characters += text.length() + json.length();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("%d characters", characters).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void table_whenCellsAreRandomAndHostile_printsOneLinePerRowWithoutRawControls() {
        Redactor redactor = redactor();
        Random random = new Random(7);
        Table table = Table.with("NAME", "REASON", "COUNT");
        int rows = 200;
        for (int i = 0; i < rows; i++) {
            // one huge cell among many: alignment must not pad every row to its width
            table.row(hostile(random, i == 3 ? 256 * KB : random.nextInt(300)), hostile(random, random.nextInt(200)), i);
        }

        long start = System.nanoTime();
        String shown = redactor.redact(table.toString());
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(shown.lines().count()).isEqualTo(rows + 1);
        assertThat(shown.chars().filter(c -> c < 0x20 && c != '\n' || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x202e).count()).isZero();
        assertNoSecret(shown);
        assertThat(shown.length()).as("output stays linear in the input").isLessThan(4 * 256 * KB + rows * 1000 * 6);
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }
}
