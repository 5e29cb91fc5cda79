package io.discordination.ops.runbook.jshell;

import io.discordination.ops.runbook.CompiledScript;
import io.discordination.ops.runbook.Declarations;
import io.discordination.ops.runbook.Library;
import io.discordination.ops.runbook.Runbook;
import io.discordination.ops.runbook.RunbookSpec;
import io.discordination.ops.runbook.ScriptCache;
import io.discordination.ops.runbook.ScriptCompiler;
import io.discordination.ops.runbook.ScriptException;
import io.discordination.ops.runbook.ScriptException.ScriptError;
import io.discordination.ops.runbook.ScriptSource;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code .jsh} runbooks with JShell in this JVM (local execution): a generated preamble
 * imports the library ({@code Ops.*}, the DSL, the handle packages, {@code java.time},
 * {@code java.util}), the file is split into complete snippets with
 * {@link SourceCodeAnalysis#analyzeCompletion}, and each is evaluated; no {@code /exit} is needed.
 * Compile errors, failures while declaring and failures inside steps later are all reported as
 * {@code file:line: message}.
 *
 * <p>The classes JShell generates are kept in the compile cache with the order their
 * {@code do_it$} methods ran in, so the next start replays them without a compiler (JShell's
 * first compile costs about a second).
 *
 * <pre>{@code Runbook rb = new JShellCompiler().load(file, Files.readString(file), ScriptCache.at(home));}</pre>
 */
public final class JShellCompiler implements ScriptCompiler {
    private static final Pattern SNIPPET_CLASS = Pattern.compile("^(REPL\\.\\$JShell\\$\\d+)");
    private static final Pattern SNIPPET_FILE = Pattern.compile("#(\\d+)");
    /**
     * No annotation processing; string concatenation as StringBuilder code, as the library is built
     * (the parent pom): the cached class of a runbook then spins no method handles when it runs.
     * Part of the cache key's version ("2"): a class compiled otherwise is compiled again.
     */
    private static final String[] COMPILER_OPTIONS = {"-proc:none", "-XDstringConcat=inline"};

    /** The imports every script starts with. */
    public static List<String> preamble() {
        List<String> lines = new ArrayList<>();
        lines.add("import static io.discordination.ops.Ops.*;");
        lines.add("import static io.discordination.ops.runbook.Runbooks.*;");
        lines.add("import static io.discordination.ops.runbook.Parameter.*;");
        lines.add("import io.discordination.ops.*;");
        lines.add("import io.discordination.ops.runbook.*;");
        for (String p : Library.packages()) lines.add("import " + p + ".*;");
        lines.add("import java.time.*;");
        lines.add("import java.util.*;");
        return lines;
    }

    @Override
    public ScriptSource.Language language() {
        return ScriptSource.Language.JSHELL;
    }

    @Override
    public Runbook load(Path file, String content, ScriptCache cache) {
        List<String> preamble = preamble();
        String key = ScriptCache.sha256("jsh", "2", Library.stamp(), String.join("\n", preamble), content);
        String contentHash = ScriptCache.sha256(content);
        Optional<CompiledScript> cached = cache.lookup(key);
        if (cached.isPresent()) {
            try {
                return replay(file, contentHash, cached.get());
            } catch (LinkageError stale) {
                cache.forget(key); // compiled against another build of the library
            }
        }
        // first the fast way (one javac task); JShell when the script does not fit a class or does not compile
        String className = "RunbookScript_" + contentHash.substring(0, 16);
        Optional<ClassTranslation.Compiled> translated = "false".equals(System.getProperty("ops.jshell.translate"))
                ? Optional.empty() : ClassTranslation.compile(content, preamble, className);
        if (translated.isPresent()) {
            CompiledScript script = new CompiledScript(translated.get().classes(),
                    List.of(className + "#" + ClassTranslation.DECLARE), Map.of(className, new int[0]));
            Runbook runbook = replay(file, contentHash, script);
            cache.store(key, script);
            return runbook;
        }
        Compiled compiled = compile(file, content, preamble);
        if (compiled.cacheable()) cache.store(key, compiled.script());
        return build(file, contentHash, compiled.script(), compiled.declared());
    }

    private record Compiled(CompiledScript script, List<Object> declared, boolean cacheable) {
    }

    /**
     * One JShell with the preamble evaluated, kept for the next script this compiler loads: javac
     * is warm after the first, so {@code ops list}, {@code docs} and {@code check} compile a folder
     * of runbooks at a fraction of a second each. Between scripts every snippet but the preamble is
     * dropped.
     */
    private static final class Session {
        final JShell shell;
        final CapturingExecution execution;
        final List<String> preamble;
        final java.util.Set<Snippet> kept = new java.util.HashSet<>();

        Session(List<String> preamble, String name) {
            this.preamble = preamble;
            this.execution = new CapturingExecution();
            this.shell = JShell.builder().executionEngine(execution.provider(), Map.of()).compilerOptions(COMPILER_OPTIONS).build();
            shell.addToClasspath(String.join(java.io.File.pathSeparator, Library.classPath()));
            // one import snippet holding every import: JShell compiles each snippet it is given, and
            // twenty separate imports cost a second on a cold JVM; one costs a tenth of that
            if (!allValid(shell.eval(String.join(" ", preamble)))) {
                shell.snippets().forEach(shell::drop);
                for (String line : preamble) {
                    for (SnippetEvent e : shell.eval(line)) {
                        if (e.status() == Snippet.Status.REJECTED) {
                            String why = firstLine(shell.diagnostics(e.snippet()).findFirst().map(d -> d.getMessage(Locale.ROOT)).orElse("?"));
                            shell.close();
                            throw new ScriptException(new ScriptError(name, 0, "the preamble does not compile: " + line + ": " + why));
                        }
                    }
                }
            }
            shell.snippets().forEach(kept::add);
        }

        /** Drops what the last script declared and starts recording for the next one. */
        void reset() {
            shell.snippets().filter(sn -> !kept.contains(sn)).filter(sn -> shell.status(sn).isActive()).forEach(shell::drop);
            execution.startRecording();
        }
    }

    private Session session;

    /** Closes the JShell kept for the next script, if any. */
    @Override
    public void close() {
        if (session != null) {
            session.shell.close();
            session = null;
        }
    }

    private Compiled compile(Path file, String content, List<String> preamble) {
        String name = displayName(file);
        if (session == null || !session.preamble.equals(preamble)) {
            close();
            session = new Session(preamble, name);
        }
        session.reset();
        JShell shell = session.shell;
        CapturingExecution execution = session.execution;
        {
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            Map<String, Integer> snippetLines = new LinkedHashMap<>(); // snippet id -> file line of its first line
            Map<String, int[]> lineMaps = new LinkedHashMap<>();
            List<ScriptError> errors = new ArrayList<>();
            String remaining = content;
            int offset = 0;
            while (true) {
                // a line with only a JShell command (/exit, /open) is not Java; the tool's scripts may end with /exit
                String skipped = skipCommands(remaining);
                offset += remaining.length() - skipped.length();
                remaining = skipped;
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
                if (info.completeness() == Completeness.EMPTY) break;
                if (info.completeness() == Completeness.DEFINITELY_INCOMPLETE || info.completeness() == Completeness.CONSIDERED_INCOMPLETE) {
                    int start = offset + remaining.length() - remaining.stripLeading().length();
                    errors.add(new ScriptError(name, lineOf(content, start),
                            "this statement is not complete at the end of the file (a missing ';', ')' or '}'?)"));
                    break;
                }
                String consumedText = remaining.substring(0, Math.max(0, remaining.length() - info.remaining().length()));
                String stripped = consumedText.stripLeading();
                int start = offset + consumedText.length() - stripped.length();
                int startLine = lineOf(content, start);
                String source = info.completeness() == Completeness.COMPLETE_WITH_SEMI && !stripped.strip().endsWith(";")
                        ? stripped.stripTrailing() + ";" : stripped;
                List<SnippetEvent> events = shell.eval(source);
                for (SnippetEvent e : events) {
                    if (e.causeSnippet() != null) continue;
                    Snippet sn = e.snippet();
                    snippetLines.put(sn.id(), startLine);
                    if (e.status() == Snippet.Status.REJECTED) {
                        shell.diagnostics(sn).filter(Diag::isError).forEach(d ->
                                errors.add(new ScriptError(name, startLine + linesBefore(source, (int) d.getStartPosition()),
                                        diagnostic(d.getMessage(Locale.ROOT)))));
                        if (errors.isEmpty()) errors.add(new ScriptError(name, startLine, "this snippet does not compile"));
                    } else if (e.status() == Snippet.Status.RECOVERABLE_DEFINED || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
                        List<String> missing = sn instanceof DeclarationSnippet d ? shell.unresolvedDependencies(d).toList() : List.of();
                        errors.add(new ScriptError(name, startLine, "cannot find symbol: " + String.join(", ", missing)));
                    } else {
                        mapLines(analysis, sn, startLine, lineMaps);
                    }
                    if (e.exception() != null) {
                        errors.add(runtimeError(name, e.exception(), snippetLines));
                    }
                }
                if (!errors.isEmpty()) break;
                offset += consumedText.length();
                remaining = info.remaining();
            }
            if (!errors.isEmpty()) throw new ScriptException(errors);
            CompiledScript script = new CompiledScript(execution.classes(), execution.invocations(), lineMaps);
            return new Compiled(script, execution.values(), execution.cacheable());
        }
    }

    private static boolean allValid(List<SnippetEvent> events) {
        return !events.isEmpty() && events.stream().allMatch(e -> e.status() == Snippet.Status.VALID);
    }

    private static String skipCommands(String text) {
        String t = text;
        while (true) {
            String lead = t.stripLeading();
            if (!lead.startsWith("/") || lead.startsWith("//") || lead.startsWith("/*")) return t;
            int nl = lead.indexOf('\n');
            t = nl < 0 ? "" : lead.substring(nl + 1);
        }
    }

    /** Declares the runbook again from compiled classes: invokes their methods in order, no compiler involved. */
    private Runbook replay(Path file, String contentHash, CompiledScript script) {
        ClassLoader loader = script.loader(JShellCompiler.class.getClassLoader());
        List<Object> values = new ArrayList<>();
        List<RunbookSpec> declared;
        try {
            declared = Declarations.collect(() -> {
                for (String invocation : script.invocations()) {
                    int hash = invocation.indexOf('#');
                    try {
                        Class<?> c = Class.forName(invocation.substring(0, hash), true, loader);
                        Method m = c.getDeclaredMethod(invocation.substring(hash + 1));
                        m.setAccessible(true);
                        values.add(m.invoke(null));
                    } catch (InvocationTargetException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof LinkageError le) throw le;
                        int line = locate(script, cause).orElse(0);
                        throw new ScriptException(new ScriptError(displayName(file), line, message(cause.getClass().getName(), cause.getMessage())));
                    } catch (ReflectiveOperationException e) {
                        throw new LinkageError("cached runbook does not fit: " + e, e);
                    }
                }
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        values.addAll(declared);
        return build(file, contentHash, script, values);
    }

    private Runbook build(Path file, String contentHash, CompiledScript script, List<Object> values) {
        String name = displayName(file);
        Map<RunbookSpec, Boolean> specs = new IdentityHashMap<>();
        List<RunbookSpec> ordered = new ArrayList<>();
        for (Object v : values) {
            if (v instanceof RunbookSpec s && specs.put(s, Boolean.TRUE) == null) ordered.add(s);
        }
        if (ordered.isEmpty()) {
            throw new ScriptException(new ScriptError(name, 1, "the script declares no runbook: runbook(\"name\", \"Title\")...;"));
        }
        if (ordered.size() > 1) {
            throw new ScriptException(new ScriptError(name, 1, "the script declares " + ordered.size()
                    + " runbooks (" + String.join(", ", ordered.stream().map(RunbookSpec::name).toList()) + "); a file holds one"));
        }
        ScriptSource source = new ScriptSource(file, ScriptSource.Language.JSHELL, contentHash, t -> locate(script, t));
        try {
            return ordered.get(0).build(source);
        } catch (IllegalArgumentException e) {
            throw new ScriptException(new ScriptError(name, 1, e.getMessage()));
        }
    }

    /** The script line of the deepest frame of {@code failure} in one of the script's classes. */
    static OptionalInt locate(CompiledScript script, Throwable failure) {
        for (StackTraceElement frame : failure.getStackTrace()) {
            String c = frame.getClassName();
            Matcher m = SNIPPET_CLASS.matcher(c);
            String owner = m.find() ? m.group(1) : c.contains("$") ? c.substring(0, c.indexOf('$')) : c;
            int line = script.scriptLine(owner, frame.getLineNumber());
            if (line > 0) return OptionalInt.of(line);
        }
        return OptionalInt.empty();
    }

    /** Records, for each line of the class JShell compiled the snippet into, the script line it came from. */
    private static void mapLines(SourceCodeAnalysis analysis, Snippet sn, int startLine, Map<String, int[]> lineMaps) {
        if (sn.kind() == Snippet.Kind.IMPORT) return;
        SourceCodeAnalysis.SnippetWrapper w = analysis.wrapper(sn);
        String wrapped = w.wrapped();
        String source = w.source();
        String[] lines = wrapped.split("\n", -1);
        int[] map = new int[lines.length + 1];
        int pos = 0;
        for (int i = 0; i < lines.length; i++) {
            int first = pos;
            while (first < pos + lines[i].length() && Character.isWhitespace(wrapped.charAt(first))) first++;
            int sp = first < pos + lines[i].length() ? w.wrappedToSourcePosition(first) : -1;
            if (sp >= 0 && sp <= source.length()) map[i + 1] = startLine + linesBefore(source, sp);
            pos += lines[i].length() + 1;
        }
        lineMaps.put(w.fullClassName(), map);
    }

    private static ScriptError runtimeError(String name, JShellException e, Map<String, Integer> snippetLines) {
        int line = 0;
        for (StackTraceElement frame : e.getStackTrace()) {
            Matcher m = frame.getFileName() == null ? null : SNIPPET_FILE.matcher(frame.getFileName());
            if (m != null && m.matches() && snippetLines.containsKey(m.group(1))) {
                line = snippetLines.get(m.group(1)) + Math.max(frame.getLineNumber(), 1) - 1;
                break;
            }
        }
        if (e instanceof EvalException ee) return new ScriptError(name, line, message(ee.getExceptionClassName(), ee.getMessage()));
        if (e instanceof UnresolvedReferenceException ure) {
            return new ScriptError(name, line, "cannot use " + ure.getSnippet().toString() + ": it is not fully defined");
        }
        return new ScriptError(name, line, String.valueOf(e.getMessage()));
    }

    private static String message(String exceptionClass, String message) {
        boolean ops = exceptionClass != null && exceptionClass.startsWith("io.discordination.ops.");
        String simple = exceptionClass == null ? "" : exceptionClass.substring(exceptionClass.lastIndexOf('.') + 1);
        if (ops && message != null) return message;
        return message == null || message.isBlank() ? simple : simple + ": " + message;
    }

    private static int lineOf(String text, int position) {
        return 1 + linesBefore(text, position);
    }

    private static int linesBefore(String text, int position) {
        int n = 0;
        for (int i = 0; i < Math.min(position, text.length()); i++) if (text.charAt(i) == '\n') n++;
        return n;
    }

    /** javac's first line, plus the symbol it could not find: {@code cannot find symbol (method ecz(String))}. */
    private static String diagnostic(String message) {
        String[] lines = message.split("\n");
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("symbol:")) return lines[0] + " (" + l.substring("symbol:".length()).strip() + ")";
        }
        return lines[0];
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String displayName(Path file) {
        return new ScriptSource(file, ScriptSource.Language.JSHELL, "", null).displayName();
    }
}
