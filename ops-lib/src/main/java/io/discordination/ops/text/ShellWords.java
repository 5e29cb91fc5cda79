package io.discordination.ops.text;

import java.util.regex.Pattern;

/**
 * Text as one word of a POSIX shell, for every command the tool shows an operator to paste: left
 * as it is when it holds only characters no shell treats specially, otherwise in single quotes
 * (a quote inside becomes {@code '\''}), so a value such as {@code db.r6g.large; curl x|sh} is
 * one argument, never a second command.
 *
 * <pre>{@code ShellWords.quote("user:42")   // user:42; ShellWords.quote("a b") is 'a b'}</pre>
 */
public final class ShellWords {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@,+%-]+");

    private ShellWords() {
    }

    /** {@code value} as one shell word. */
    public static String quote(String value) {
        if (!value.isEmpty() && SAFE.matcher(value).matches()) return value;
        return "'" + value.replace("'", "'\\''") + "'";
    }

    /** {@code value} always in single quotes, as {@code export NAME='value'} wants it. */
    public static String singleQuoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
