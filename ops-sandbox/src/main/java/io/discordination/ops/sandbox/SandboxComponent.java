package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.process.Processes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One server of the sandbox (moto, redis-server, PostgreSQL, the sandbox agent) as {@link Sandbox}
 * drives it: started on a port {@link Sandbox} chooses, found healthy, seeded, stopped by PID, with a
 * log of its own. {@link Sandbox} holds the order, the waits, the retries on a taken port, the PID
 * files and {@code sandbox.json}; a component knows only its own server.
 *
 * <pre>{@code
 * long pid = redis.start(port);
 * while (!redis.isHealthy(port)) Thread.sleep(40);
 * redis.seed(port, true);
 * redis.stop(pid, Duration.ofSeconds(5));
 * }</pre>
 */
public interface SandboxComponent extends AutoCloseable {
    /** {@code moto}, {@code redis}, {@code postgres} or {@code agent}: its name in status, progress lines, sandbox.json and its PID file. */
    String name();

    /** A word of its command line: a recycled PID that runs something else is not taken for this server. */
    String commandMark();

    /** Where its output goes ({@code ops sandbox status} points there when it does not answer). */
    Path log();

    /** Where it serves on {@code port}, as status shows it. */
    String address(int port);

    /** What is missing to run it, with the command that installs it; empty when it can run. */
    default Optional<String> missingPrerequisite() {
        return Optional.empty();
    }

    /**
     * The components it was started against (it keeps their address): when one of them is
     * started again, so is this one; {@code down} stops this one before them.
     */
    default List<String> dependsOn() {
        return List.of();
    }

    /**
     * Called first on the thread that starts and seeds it, with whether it will be seeded: time to
     * load what seeding needs while the server starts (moto's SDK clients).
     */
    default void prepare(int port, boolean willSeed) {
    }

    /**
     * Starts the server on {@code port}, detached, and returns its PID. It may return before the
     * server answers ({@link Sandbox} then waits on {@link #isHealthy}); a failure is a
     * {@link SandboxException} with the log's tail (an "Address already in use" there makes
     * {@link Sandbox} try another port).
     */
    long start(int port);

    /** A live check: the server answers on {@code port} as it should. */
    boolean isHealthy(int port);

    /** What a passing health check saw, for status. */
    String healthDetail(int port);

    /** True when it must be seeded although it runs and no reset was asked for (moto before its first seed). */
    default boolean needsSeed() {
        return false;
    }

    /**
     * Puts the seeded state in place, replacing whatever a drill changed. {@code justStarted}: this
     * call started the server. Returns what was seeded for the progress line ("seeded (...)"), or
     * empty when a fresh server needs nothing (the agent seeds its rooms as it starts).
     */
    Optional<String> seed(int port, boolean justStarted);

    /** Stops the process {@code pid} and its children; TERM, then KILL after {@code grace}. */
    default Processes.Stopped stop(long pid, Duration grace) {
        return Processes.stop(pid, grace);
    }

    /** A server it may have left running although {@link #start} did not return its PID (an interrupted start), else 0. */
    default long strayPid() {
        return 0;
    }

    /** While other components are seeded: stop acting on them (the agent's ECS simulator must not see moto half-seeded). */
    default void pause(int port) {
    }

    /** Every component is seeded: act again. Called on every component at the end of each up and reset. */
    default void resume(int port) {
    }

    /** Releases the clients it made for seeding or health checks; the server keeps running. */
    @Override
    default void close() {
    }
}
