package io.discordination.ops.text;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Text from remote systems (log lines, room names, task reasons, server errors) made safe for a
 * person's terminal: control characters are shown escaped ({@code \u001b}, {@code \r}, {@code \n})
 * instead of moving the cursor, erasing a line or starting a fake one, and so are the Unicode
 * controls that reorder what is shown (bidirectional overrides) or break lines. JSON output needs
 * none of this: its serializer escapes control characters already.
 *
 * <pre>{@code out.println(TerminalText.escape(event.message()));}</pre>
 */
public final class TerminalText {
    private TerminalText() {
    }

    /** One value on one line: every control character escaped, newlines too. */
    public static String escape(String text) {
        return escape(text, false);
    }

    /** Text already laid out in lines: every control character escaped except newline and tab. */
    public static String escapeKeepingLines(String text) {
        return escape(text, true);
    }

    /** A writer for a person's terminal: what passes through it is escaped as {@link #escapeKeepingLines}. */
    public static PrintWriter printWriter(Writer terminal) {
        if (terminal instanceof PrintWriter p && p.getClass() == EscapingPrintWriter.class) return p;
        return new EscapingPrintWriter(new Escaping(terminal));
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) return null;
        int n = text.length();
        int first = 0;
        while (first < n && !needsEscape(text.charAt(first), keepLines)) first++;
        if (first == n) return text;
        StringBuilder sb = new StringBuilder(n + 16);
        sb.append(text, 0, first);
        for (int i = first; i < n; i++) appendEscaped(sb, text.charAt(i), keepLines);
        return sb.toString();
    }

    static boolean needsEscape(char c, boolean keepLines) {
        if (c < 0x20) return !(keepLines && (c == '\n' || c == '\t'));
        if (c < 0x7f) return false;
        return c <= 0x9f // DEL and the C1 controls (CSI is 0x9b)
                || c == '\u2028' || c == '\u2029' // line and paragraph separators
                || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') // bidirectional embeddings, overrides, isolates
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }

    private static void appendEscaped(StringBuilder sb, char c, boolean keepLines) {
        if (!needsEscape(c, keepLines)) {
            sb.append(c);
            return;
        }
        switch (c) {
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> sb.append(String.format("\\u%04x", (int) c));
        }
    }

    /** Escapes as it writes, character by character, so a control split across writes is still caught. */
    private static final class Escaping extends FilterWriter {
        Escaping(Writer out) {
            super(out);
        }

        @Override
        public void write(int c) throws IOException {
            if (needsEscape((char) c, true)) {
                StringBuilder sb = new StringBuilder(6);
                appendEscaped(sb, (char) c, true);
                out.write(sb.toString());
            } else {
                out.write(c);
            }
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            write(new String(buf, off, len), 0, len);
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            String part = off == 0 && len == s.length() ? s : s.substring(off, off + len);
            String escaped = escapeKeepingLines(part);
            out.write(escaped, 0, escaped.length());
        }
    }

    private static final class EscapingPrintWriter extends PrintWriter {
        EscapingPrintWriter(Writer escaping) {
            super(escaping, true);
        }
    }
}
