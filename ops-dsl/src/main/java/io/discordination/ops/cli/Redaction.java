package io.discordination.ops.cli;

import io.discordination.ops.Redactor;

/**
 * The redactor of the context a command opened, so that the failure handler can mask secrets in
 * error lines even after the context is closed.
 */
final class Redaction {
    private static volatile Redactor current = new Redactor();

    private Redaction() {
    }

    static Redactor current() {
        return current;
    }

    static void use(Redactor redactor) {
        current = redactor;
    }
}
