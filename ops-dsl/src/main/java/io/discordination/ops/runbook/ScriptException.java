package io.discordination.ops.runbook;

import io.discordination.ops.OpsException;

import java.util.List;

/**
 * A runbook script that does not compile, or fails while declaring its runbook. Each error is
 * {@code file:line: message}; the exception's message is the first of them (and how many more).
 *
 * <pre>{@code catch (ScriptException e) { e.errors().forEach(err -> System.err.println(err)); }}</pre>
 */
public class ScriptException extends OpsException {
    /** One error at one place of the script; {@code line} is 0 when no line is known. */
    public record ScriptError(String file, int line, String message) {
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line : "") + ": " + message;
        }
    }

    private final List<ScriptError> errors;

    public ScriptException(List<ScriptError> errors) {
        super(builder(describe(errors)), null);
        this.errors = List.copyOf(errors);
    }

    public ScriptException(ScriptError error) {
        this(List.of(error));
    }

    public List<ScriptError> errors() {
        return errors;
    }

    private static String describe(List<ScriptError> errors) {
        if (errors.isEmpty()) return "the script failed";
        String first = errors.get(0).toString();
        return errors.size() == 1 ? first : first + " (and " + (errors.size() - 1) + " more)";
    }
}
