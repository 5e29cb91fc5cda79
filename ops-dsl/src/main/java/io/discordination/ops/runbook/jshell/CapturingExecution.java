package io.discordination.ops.runbook.jshell;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JShell's execution in this thread of this JVM that also keeps what it saw: the bytes of every
 * class loaded, the {@code do_it$} methods invoked in order, and the object each returned (so the
 * compiler gets the declared {@code RunbookSpec} itself, not its {@code toString}).
 */
final class CapturingExecution extends DirectExecutionControl {
    private final Map<String, byte[]> classes = new LinkedHashMap<>();
    private final List<String> invocations = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();
    private boolean recording;
    private boolean cacheable = true;

    ExecutionControlProvider provider() {
        CapturingExecution self = this;
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "runbook";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return self;
            }
        };
    }

    /** From now on, classes and invocations belong to the next script (the preamble's, or an earlier script's, do not). */
    void startRecording() {
        recording = true;
        classes.clear();
        invocations.clear();
        values.clear();
        cacheable = true;
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        for (ClassBytecodes c : cbcs) {
            if (!recording) continue;
            // a class JShell generates twice (a redefined snippet) cannot be replayed from one map
            if (classes.put(c.name(), c.bytecodes()) != null) cacheable = false;
        }
        super.load(cbcs);
    }

    @Override
    public String invoke(String className, String methodName) throws RunException, InternalException, EngineTerminationException {
        if (recording) invocations.add(className + "#" + methodName);
        return super.invoke(className, methodName);
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        Object value = doitMethod.invoke(null);
        if (recording) values.add(value);
        return "";  // JShell shows values; nothing here does
    }

    @Override
    public void close() {
        // the classes stay loaded: the runbook's steps are lambdas in them
    }

    Map<String, byte[]> classes() {
        return classes;
    }

    List<String> invocations() {
        return invocations;
    }

    List<Object> values() {
        return values;
    }

    boolean cacheable() {
        return cacheable;
    }
}
