package io.discordination.ops.cli;

import io.discordination.ops.Redactor;
import io.discordination.ops.env.Environment;

/**
 * The redactor of the context a command opened, so that the failure handler can mask secrets in
 * error lines even after the context is closed. Before a context opens it already knows the
 * secrets of the environment the command loaded, so a failure in between is masked too.
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

    /** Learns {@code environment}'s secrets; returns it, for use where it is loaded. */
    static Environment learn(Environment environment) {
        environment.secrets().forEach(current::register);
        return environment;
    }
}
