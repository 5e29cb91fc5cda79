package io.discordination.ops;

/**
 * The exit codes of the {@code ops} command line, one per kind of outcome. {@link OpsException#exitCode()}
 * says which one a failure gets; the command line's help lists them from here.
 *
 * <pre>{@code return failed == 0 ? ExitCode.OK : ExitCode.FAILED;}</pre>
 */
public enum ExitCode {
    OK(0, "ok"),
    FAILED(1, "failed (the error line says what failed, where, and what to do)"),
    INVALID_INPUT(2, "bad input (unknown option, invalid parameter value): nothing was run"),
    REFUSED(3, "refused or not confirmed: nothing was changed"),
    /** 128 + SIGINT, as a shell reports a process stopped by Ctrl-C; the run's journal says where it stopped. */
    INTERRUPTED(130, "interrupted (Ctrl-C): the run id and the --resume command are printed");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The number the process exits with. */
    public int code() {
        return code;
    }

    /** What the code means, as the help shows it. */
    public String meaning() {
        return meaning;
    }

    /** The exit code with number {@code code}; an unknown number is a bug, not an outcome. */
    public static ExitCode of(int code) {
        for (ExitCode c : values()) {
            if (c.code == code) return c;
        }
        throw new IllegalArgumentException("no exit code " + code + " is defined");
    }

    /** The exit code a failure ends the command with: its own for an {@link OpsException}, else {@link #FAILED}. */
    public static ExitCode of(Throwable failure) {
        return failure instanceof OpsException ops ? of(ops.exitCode()) : FAILED;
    }
}
