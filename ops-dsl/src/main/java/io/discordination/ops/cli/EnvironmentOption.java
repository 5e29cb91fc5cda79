package io.discordination.ops.cli;

import io.discordination.ops.env.Environment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The environment a command talks to: the global {@code --env NAME} (given before or after the
 * subcommand), {@code local} when it is not given.
 *
 * <pre>{@code @Mixin EnvironmentOption environment;   ...   environment.name()}</pre>
 */
// a mixin needs some picocli annotation; the option itself is OpsCommand's, inherited by every command
@Command
public final class EnvironmentOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The name or path given with {@code --env}, or {@code local}. */
    public String name() {
        return nameOr("local");
    }

    /** The name or path given with {@code --env}, or {@code fallback}. */
    public String nameOr(String fallback) {
        return OpsCommand.of(command).environmentOr(fallback);
    }

    Environment load() {
        return Redaction.learn(Environment.named(name()));
    }
}
