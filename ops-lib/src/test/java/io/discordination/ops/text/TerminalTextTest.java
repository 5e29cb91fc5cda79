package io.discordination.ops.text;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class TerminalTextTest {
    @Test
    void escape_whenTextHoldsControls_showsEachAsAnEscape() {
        assertThat(TerminalText.escape("a\u001b[2Kb\rc\nd\te\u0000f\u007fg\u009bh\u202ei\u2028j\u200fk"))
                .isEqualTo("a\\u001b[2Kb\\rc\\nd\\te\\u0000f\\u007fg\\u009bh\\u202ei\\u2028j\\u200fk");
        assertThat(TerminalText.escape("plain, é, 😀, \\ and \"quotes\"")).isEqualTo("plain, é, 😀, \\ and \"quotes\"");
    }

    @Test
    void escapeKeepingLines_whenTextIsLaidOut_keepsNewlinesAndTabsOnly() {
        assertThat(TerminalText.escapeKeepingLines("row 1\tok\nrow 2\r\u001b[1A")).isEqualTo("row 1\tok\nrow 2\\r\\u001b[1A");
    }

    @Test
    void printWriter_whenAControlIsWrittenAloneOrInPieces_escapesItAll() {
        StringWriter terminal = new StringWriter();
        PrintWriter out = TerminalText.printWriter(terminal);

        out.print("start ");
        out.write(0x1b);
        out.write("[2K".toCharArray(), 0, 3);
        out.println("\rend");
        out.flush();

        assertThat(terminal.toString()).isEqualTo("start \\u001b[2K\\rend" + System.lineSeparator());
        assertThat(TerminalText.printWriter(out)).isSameAs(out);
    }
}
