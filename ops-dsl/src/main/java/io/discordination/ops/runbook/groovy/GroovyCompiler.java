package io.discordination.ops.runbook.groovy;

import groovy.lang.Binding;
import groovy.lang.GroovyClassLoader;
import io.discordination.ops.Ops;
import io.discordination.ops.runbook.CompiledScript;
import io.discordination.ops.runbook.Library;
import io.discordination.ops.runbook.Parameter;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookSpec;
import io.discordination.ops.runbook.ScriptCache;
import io.discordination.ops.runbook.ScriptCompiler;
import io.discordination.ops.runbook.ScriptException;
import io.discordination.ops.runbook.ScriptException.ScriptError;
import io.discordination.ops.runbook.ScriptSource;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.CompilationUnit;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.Phases;
import org.codehaus.groovy.control.customizers.ImportCustomizer;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.syntax.SyntaxException;
import org.codehaus.groovy.tools.GroovyClass;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Runs {@code .groovy} runbooks: one compilation with {@link RunbookScript} as the script base
 * class and an import customizer ({@code Ops.*} and {@code Parameter.*} statically, the library's
 * packages, {@code java.time}); compile errors ({@link MultipleCompilationErrorsException}) and
 * runtime errors (the script's stack frames) become {@code file:line: message}. The compiled
 * classes go to the compile cache, keyed by the script's content.
 *
 * <pre>{@code Runbook rb = new GroovyCompiler().load(file, Files.readString(file), ScriptCache.at(home));}</pre>
 */
public final class GroovyCompiler implements ScriptCompiler {
    private static final String MAIN = "main";

    @Override
    public ScriptSource.Language language() {
        return ScriptSource.Language.GROOVY;
    }

    static List<String> starImports() {
        List<String> packages = new ArrayList<>(List.of("io.discordination.ops", "io.discordination.ops.runbook"));
        packages.addAll(Library.packages());
        packages.add("java.time");
        return packages;
    }

    @Override
    public Runbook load(Path file, String content, ScriptCache cache) {
        String className = className(file);
        String key = ScriptCache.sha256("groovy", "1", Library.stamp(), String.join(",", starImports()), className, content);
        String contentHash = ScriptCache.sha256(content);
        Optional<CompiledScript> cached = cache.lookup(key);
        if (cached.isPresent()) {
            try {
                return declare(file, contentHash, cached.get());
            } catch (LinkageError stale) {
                cache.forget(key);
            }
        }
        CompiledScript compiled = compile(file, className, content);
        cache.store(key, compiled);
        return declare(file, contentHash, compiled);
    }

    /** The same base class and imports, for the Groovy REPL. */
    public static CompilerConfiguration replConfiguration() {
        return configuration();
    }

    private static CompilerConfiguration configuration() {
        CompilerConfiguration config = new CompilerConfiguration();
        config.setScriptBaseClass(RunbookScript.class.getName());
        ImportCustomizer imports = new ImportCustomizer();
        imports.addStaticStars(Ops.class.getName(), Parameter.class.getName());
        imports.addStarImports(starImports().toArray(String[]::new));
        config.addCompilationCustomizers(imports);
        return config;
    }

    private CompiledScript compile(Path file, String className, String content) {
        CompilerConfiguration config = configuration();
        try (GroovyClassLoader loader = new GroovyClassLoader(GroovyCompiler.class.getClassLoader(), config)) {
            CompilationUnit unit = new CompilationUnit(config, null, loader);
            unit.addSource(className + ".groovy", content);
            unit.compile(Phases.CLASS_GENERATION);
            Map<String, byte[]> classes = new LinkedHashMap<>();
            for (GroovyClass c : unit.getClasses()) classes.put(c.getName(), c.getBytes());
            return new CompiledScript(classes, List.of(className + "#" + MAIN), Map.of());
        } catch (MultipleCompilationErrorsException e) {
            throw new ScriptException(errors(file, e));
        } catch (CompilationFailedException e) {
            throw new ScriptException(new ScriptError(displayName(file), 0, e.getMessage()));
        } catch (java.io.IOException e) {
            throw new ScriptException(new ScriptError(displayName(file), 0, e.getMessage()));
        }
    }

    private Runbook declare(Path file, String contentHash, CompiledScript compiled) {
        String invocation = compiled.invocations().get(0);
        String className = invocation.substring(0, invocation.indexOf('#'));
        ClassLoader loader = compiled.loader(GroovyCompiler.class.getClassLoader());
        RunbookScript script;
        try {
            script = (RunbookScript) Class.forName(className, true, loader).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new LinkageError("cached runbook does not fit: " + e, e);
        }
        script.setBinding(new Binding());
        ScriptSource source = new ScriptSource(file, ScriptSource.Language.GROOVY, contentHash, t -> locate(className, t));
        try {
            script.run();
        } catch (LinkageError e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable cause = e instanceof org.codehaus.groovy.runtime.InvokerInvocationException iie && iie.getCause() != null ? iie.getCause() : e;
            throw new ScriptException(new ScriptError(displayName(file), locate(className, cause).orElse(0), message(cause)));
        }
        List<RunbookSpec> declared = script.declared();
        if (declared.isEmpty()) {
            throw new ScriptException(new ScriptError(displayName(file), 1, "the script declares no runbook: runbook('name') { ... }"));
        }
        if (declared.size() > 1) {
            throw new ScriptException(new ScriptError(displayName(file), 1, "the script declares " + declared.size()
                    + " runbooks; a file holds one"));
        }
        try {
            return declared.get(0).build(source);
        } catch (IllegalArgumentException e) {
            throw new ScriptException(new ScriptError(displayName(file), 1, e.getMessage()));
        }
    }

    /** The line of the deepest frame in the script's class or its closures. */
    static OptionalInt locate(String className, Throwable failure) {
        for (StackTraceElement frame : failure.getStackTrace()) {
            String c = frame.getClassName();
            if ((c.equals(className) || c.startsWith(className + "$")) && frame.getLineNumber() > 0) {
                return OptionalInt.of(frame.getLineNumber());
            }
        }
        return OptionalInt.empty();
    }

    private static List<ScriptError> errors(Path file, MultipleCompilationErrorsException e) {
        List<ScriptError> errors = new ArrayList<>();
        for (Message m : e.getErrorCollector().getErrors()) {
            if (m instanceof SyntaxErrorMessage s) {
                SyntaxException se = s.getCause();
                errors.add(new ScriptError(displayName(file), se.getLine(), firstLine(se.getOriginalMessage())));
            } else if (m instanceof ExceptionMessage x) {
                errors.add(new ScriptError(displayName(file), 0, String.valueOf(x.getCause().getMessage())));
            } else {
                errors.add(new ScriptError(displayName(file), 0, m.toString()));
            }
        }
        return errors;
    }

    private static String message(Throwable t) {
        if (t.getClass().getName().startsWith("io.discordination.ops.") && t.getMessage() != null) return t.getMessage();
        if (t instanceof groovy.lang.MissingMethodException mm) {
            return "no method " + mm.getMethod() + " for " + (mm.getType() == null ? "?" : mm.getType().getSimpleName())
                    + " with arguments " + java.util.Arrays.toString(mm.getArguments());
        }
        if (t instanceof groovy.lang.MissingPropertyException mp) {
            return "no property or variable '" + mp.getProperty() + "'";
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + firstLine(m);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** A class name from the file name: {@code api-not-responding.groovy} is {@code api_not_responding}. */
    static String className(Path file) {
        String base = file.getFileName().toString().replaceFirst("\\.groovy$", "");
        StringBuilder sb = new StringBuilder();
        for (char ch : base.toCharArray()) sb.append(Character.isJavaIdentifierPart(ch) ? ch : '_');
        if (sb.length() == 0 || !Character.isJavaIdentifierStart(sb.charAt(0))) sb.insert(0, '_');
        return sb.toString();
    }

    private static String displayName(Path file) {
        return new ScriptSource(file, ScriptSource.Language.GROOVY, "", null).displayName();
    }
}
