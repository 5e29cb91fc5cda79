package io.discordination.ops.sandbox;

/**
 * A sandbox operation failed: a server did not start, a port stayed taken, a seed step was refused.
 * The message says what failed and what to do; {@link #logTail()} carries the last lines of the
 * failing server's log when there is one.
 *
 * <pre>{@code try { sandbox.up(); } catch (SandboxException e) { System.err.println(e.getMessage()); }}</pre>
 */
public class SandboxException extends RuntimeException {
    private final String logTail;

    public SandboxException(String message) {
        this(message, null, null);
    }

    public SandboxException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public SandboxException(String message, String logTail, Throwable cause) {
        super(logTail == null || logTail.isBlank() ? message : message + "\n--- last lines of the log ---\n" + logTail.stripTrailing(), cause);
        this.logTail = logTail == null ? "" : logTail;
    }

    /** The last lines of the failing server's log, or an empty string. */
    public String logTail() {
        return logTail;
    }
}
