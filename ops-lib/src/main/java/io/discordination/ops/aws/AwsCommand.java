package io.discordination.ops.aws;

import io.discordination.ops.text.ShellWords;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code aws} command line equivalent to an effect, with the real names filled in and each
 * argument quoted for a POSIX shell, so an operator can paste it into a terminal.
 *
 * <pre>{@code
 * AwsCommand.of("ecs", "update-service").option("--cluster", "discordination-prod")
 *         .option("--service", "api").flag("--force-new-deployment").toString();
 * }</pre>
 */
public final class AwsCommand {
    private final List<String> words = new ArrayList<>();

    private AwsCommand(String service, String operation) {
        words.add("aws");
        words.add(service);
        words.add(operation);
    }

    public static AwsCommand of(String service, String operation) {
        return new AwsCommand(service, operation);
    }

    /** {@code --name value}, the value quoted if the shell needs it. */
    public AwsCommand option(String name, Object value) {
        words.add(name);
        words.add(quote(String.valueOf(value)));
        return this;
    }

    /** {@code --name value} where {@code value} is already shell text (a {@code $(...)} or {@code $VAR}). */
    public AwsCommand optionRaw(String name, String shellText) {
        words.add(name);
        words.add(shellText);
        return this;
    }

    public AwsCommand flag(String name) {
        words.add(name);
        return this;
    }

    @Override
    public String toString() {
        return String.join(" ", words);
    }

    /** {@code value} as one shell word: unchanged if safe, else in single quotes ({@link ShellWords#quote}). */
    public static String quote(String value) {
        return ShellWords.quote(value);
    }
}
