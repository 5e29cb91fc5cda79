package io.discordination.ops.cli;

import io.discordination.ops.env.Environment;
import picocli.CommandLine.Option;

/** The {@code --env NAME} option, shared by every command that talks to an environment. */
public final class EnvironmentOption {
    @Option(names = {"-e", "--env"}, paramLabel = "NAME", defaultValue = "local",
            description = "Environment: local (the sandbox, default), prod, staging, or a path to a .yaml file.")
    String name;

    public String name() {
        return name;
    }

    Environment load() {
        return Redaction.learn(Environment.named(name));
    }
}
