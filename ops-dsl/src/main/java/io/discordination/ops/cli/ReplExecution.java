package io.discordination.ops.cli;

import io.discordination.ops.gate.Confirmer;
import jdk.jshell.execution.LocalExecutionControlProvider;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * JShell's local execution ({@code --execution opsrepl}), keeping the tool's own user input and
 * output so that a confirmation prompt can read its answer. JShell's line editor owns the
 * terminal while the REPL runs: a snippet that reads {@code System.in} or the console directly
 * races it and gets nothing, while the tool's user input stream switches the editor to reading
 * one answer, the way it serves {@code System.in} to snippets that run in a remote JVM.
 * Found by JShell through {@code META-INF/services}; the {@code ops repl} command installs
 * {@link #prompt()} in its {@link Confirmer}, and through {@link #afterEachSnippet} lets go of the
 * leases a snippet took once it ends.
 *
 * <pre>{@code Confirmer.asking(ReplExecution.prompt(), false)}</pre>
 */
public final class ReplExecution implements ExecutionControlProvider {
    /** The environment of the running REPL: JShell makes the provider through the service loader, so it cannot be handed in. */
    private static volatile ExecutionEnv current;
    /** Runs after each snippet, however it ended ({@link #afterEachSnippet}). */
    private static volatile Runnable afterSnippet = () -> { };

    @Override
    public String name() {
        return "opsrepl";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) throws Throwable {
        current = env;
        return new AfterEachSnippet(new LocalExecutionControlProvider().generate(env, parameters));
    }

    /** Has {@code action} run after each snippet the REPL evaluates, whether it returned, threw or was stopped. */
    static void afterEachSnippet(Runnable action) {
        afterSnippet = action;
    }

    /** JShell's local execution, with {@link #afterSnippet} run after each invocation of a snippet. */
    private record AfterEachSnippet(ExecutionControl local) implements ExecutionControl {
        @Override
        public String invoke(String className, String methodName) throws RunException, EngineTerminationException, InternalException {
            try {
                return local.invoke(className, methodName);
            } finally {
                afterSnippet.run();
            }
        }

        @Override
        public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
            local.load(cbcs);
        }

        @Override
        public void redefine(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
            local.redefine(cbcs);
        }

        @Override
        public String varValue(String className, String varName) throws RunException, EngineTerminationException, InternalException {
            return local.varValue(className, varName);
        }

        @Override
        public void addToClasspath(String path) throws EngineTerminationException, InternalException {
            local.addToClasspath(path);
        }

        @Override
        public void stop() throws EngineTerminationException, InternalException {
            local.stop();
        }

        @Override
        public Object extensionCommand(String command, Object arg) throws RunException, EngineTerminationException, InternalException {
            return local.extensionCommand(command, arg);
        }

        @Override
        public void close() {
            local.close();
        }
    }

    /** Asks at the REPL's terminal: the question on the tool's output, one line read through the tool's input. */
    static Confirmer.Prompt prompt() {
        return question -> {
            ExecutionEnv env = current;
            if (env == null) return null;
            PrintStream out = env.userOut();
            out.print(question);
            out.flush();
            try {
                return readLine(env.userIn());
            } catch (IOException e) {
                return null;
            }
        };
    }

    /** One line, read a byte at a time so that nothing after it is taken from the editor; null at end of input. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') return line.toString(StandardCharsets.UTF_8).replace("\r", "");
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
}
