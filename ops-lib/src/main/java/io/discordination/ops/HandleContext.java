package io.discordination.ops;

import io.discordination.ops.gate.Gate;
import io.discordination.ops.text.Progress;
import io.discordination.ops.topology.AwsTopology;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The part of an {@link OpsContext} that every handle shares, and nothing more: the Gate every
 * side effect goes through, which environment the handle works in (for errors that say where and
 * which file to fix), the redactor, how to draw progress, and the run's id. A handle gets this,
 * its own topology record and its clients; it never sees the context, its other handles or their
 * clients. {@link OpsContext} makes one and hands it to each handle it wires.
 *
 * <pre>{@code
 * HandleContext context = HandleContext.of(RecordingGate.planning());  // a unit test's
 * EcsService api = new EcsService(topology.ecs(), ecsClient, context, "api");
 * }</pre>
 *
 * @param gate          the one port for side effects (mode, confirmation, audit)
 * @param environment   where the handle works
 * @param redactor      masks the environment's secrets in messages built from remote text
 * @param runId         the run's id (one-off tasks carry it)
 * @param progressStyle how long work is drawn
 * @param progressOut   where it is drawn
 */
public record HandleContext(Gate gate, Place environment, Redactor redactor, String runId,
                            Progress.Style progressStyle, PrintStream progressOut) {
    public HandleContext {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(redactor, "redactor");
        Objects.requireNonNull(progressStyle, "progressStyle");
        Objects.requireNonNull(progressOut, "progressOut");
    }

    /** For unit tests: {@code gate} in an environment called {@code test}, see {@link #of(Gate, String, Redactor)}. */
    public static HandleContext of(Gate gate) {
        return of(gate, "test", new Redactor());
    }

    /**
     * For unit tests: {@code gate} in an environment called {@code environment} with no file and no
     * AWS settings, {@code redactor} for messages, no progress drawn.
     */
    public static HandleContext of(Gate gate, String environment, Redactor redactor) {
        return new HandleContext(gate, new Place(environment, Path.of(environment + ".yaml"), new AwsTopology(null, null, null, null, null)),
                redactor, "test-run", Progress.Style.QUIET, System.err);
    }

    /** True when effects are only planned. */
    public boolean isDryRun() {
        return gate.isDryRun();
    }

    /** Progress for long work, drawn as the context was told (a bar on a terminal, lines in a log, or nothing). */
    public Progress progress(String label, long total) {
        return new Progress(label, total, progressOut, progressStyle);
    }

    /**
     * The environment a handle works in, as errors name it.
     *
     * @param name   the environment's name ({@code prod})
     * @param source its file, named in errors that ask to change a setting
     * @param aws    where the AWS clients connect, named in errors when they cannot
     */
    public record Place(String name, Path source, AwsTopology aws) {
        public Place {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(aws, "aws");
        }
    }
}
