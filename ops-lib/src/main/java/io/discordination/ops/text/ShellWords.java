package io.discordination.ops.text;

import java.util.regex.Pattern;

/**
 * Text as one word of a POSIX shell: the one quoting rule for every command the tool shows an
 * operator to paste (effects' commands through {@link io.discordination.ops.gate.CommandTemplate},
 * step commands, the run and resume lines, {@code ops sandbox env}). A value is left as it is when
 * it holds only characters no shell treats specially; a value holding a single quote but nothing a
 * double-quoted word expands ({@code $ ` " \ !}) goes in double quotes, so SQL reads as typed
 * ({@code "DELETE FROM sessions WHERE user_id = '42'"}); anything else goes in single quotes (a
 * quote inside becomes {@code '\''}). A value such as {@code db.r6g.large; curl x|sh} is one
 * argument, never a second command.
 *
 * <pre>{@code ShellWords.quote("user:42")   // user:42; ShellWords.quote("a b") is 'a b'}</pre>
 */
public final class ShellWords {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@,+%-]+");
    /** What a shell still expands inside double quotes ({@code !} in an interactive bash). */
    private static final Pattern EXPANDED_IN_DOUBLE_QUOTES = Pattern.compile("[$`\"\\\\!]");

    private ShellWords() {
    }

    /** {@code value} as one shell word. */
    public static String quote(String value) {
        if (!value.isEmpty() && SAFE.matcher(value).matches()) return value;
        if (value.indexOf('\'') >= 0 && !EXPANDED_IN_DOUBLE_QUOTES.matcher(value).find()) return '"' + value + '"';
        return singleQuoted(value);
    }

    /** {@code value} always in single quotes, as {@code export NAME='value'} wants it. */
    public static String singleQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
