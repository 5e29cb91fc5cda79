package io.discordination.ops.runbook.jshell;

import io.discordination.ops.runbook.Library;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fast way to a runbook's first run: the {@code .jsh} script rewritten as one Java class and
 * compiled by javac in one task, about half a second less than JShell's snippet-by-snippet
 * compiles on a cold JVM. Each snippet keeps its line (the class's scaffolding is written on the
 * script's own lines), so stack traces point into the script as they are. Imports stay imports,
 * methods and types become static members, and each run of statements (variables included)
 * becomes a static method, called in order by {@code __declare()}.
 *
 * <p>It only ever takes the script as JShell would: anything it cannot place (an import after a
 * statement, a variable a method uses, a bare expression) fails to compile here, and the caller
 * then compiles the script with JShell, which also reports any real error.
 */
final class ClassTranslation {
    static final String DECLARE = "__declare";

    private static final Pattern TYPE = Pattern.compile(
            "^(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*(?:(?:public|protected|private|static|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
                    + "(?:class|interface|enum|record|@interface)\\s+[A-Za-z_$][\\w$]*");
    private static final Pattern METHOD = Pattern.compile(
            "^(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*(?:(?:public|protected|private|static|final|abstract|synchronized|native|strictfp)\\s+)*"
                    + "(?:<[^{};=]*>\\s*)?[\\w$.<>\\[\\]?, ]+?\\s+([A-Za-z_$][\\w$]*)\\s*\\([^;={]*\\)\\s*(?:throws\\s+[\\w$., ]+)?\\s*$",
            Pattern.DOTALL);
    private static final Set<String> NOT_A_TYPE = Set.of("return", "new", "throw", "else", "case", "yield", "if", "for",
            "while", "switch", "try", "do", "synchronized", "assert");

    /** One complete top-level snippet of the script: where it starts and ends, and what it is. */
    record Snippet(int start, int end, Kind kind) {
    }

    enum Kind { IMPORT, TYPE, METHOD, STATEMENT, COMMAND }

    /** The compiled class: its name and the bytes of it and of its nested classes. */
    record Compiled(String className, Map<String, byte[]> classes) {
    }

    private ClassTranslation() {
    }

    /** The class javac made from {@code content}, or empty if the script does not translate (JShell then compiles it). */
    static Optional<Compiled> compile(String content, List<String> preamble, String className) {
        Optional<String> source = translate(content, preamble, className);
        if (source.isEmpty()) return Optional.empty();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) return Optional.empty();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> out = new LinkedHashMap<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8);
        try (ForwardingJavaFileManager<StandardJavaFileManager> files = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                        out.put(name, bytes);
                        return bytes;
                    }
                };
            }
        }) {
            JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source.get();
                }
            };
            List<String> options = List.of("-proc:none", "-g", "-nowarn", "-Xlint:none",
                    "-classpath", String.join(File.pathSeparator, Library.classPath()));
            boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(unit)).call();
            if (!ok || diagnostics.getDiagnostics().stream().anyMatch(d -> d.getKind() == Diagnostic.Kind.ERROR)) {
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        out.forEach((name, bytes) -> classes.put(name, bytes.toByteArray()));
        return classes.containsKey(className) ? Optional.of(new Compiled(className, classes)) : Optional.empty();
    }

    /** The class's source, every snippet on its own lines; empty if the script's shape does not fit. */
    static Optional<String> translate(String content, List<String> preamble, String className) {
        List<Snippet> snippets = split(content);
        if (snippets == null) return Optional.empty();
        StringBuilder sb = new StringBuilder(content.length() + 512);
        sb.append(String.join(" ", preamble)).append(' ');
        boolean inClass = false;
        boolean inGroup = false;
        int groups = 0;
        int at = 0;
        for (Snippet s : snippets) {
            if (s.kind() == Kind.IMPORT && inClass) return Optional.empty();
            sb.append(content, at, s.start());
            String text = content.substring(s.start(), s.end());
            if (s.kind() == Kind.COMMAND) {
                sb.append(" ".repeat(text.length())); // a JShell command such as /exit: blanked, its line kept
                at = s.end();
                continue;
            }
            if (s.kind() != Kind.IMPORT && !inClass) {
                sb.append("public final class ").append(className).append(" { ");
                inClass = true;
            }
            if (s.kind() != Kind.STATEMENT && inGroup) {
                sb.append("} ");
                inGroup = false;
            }
            switch (s.kind()) {
                case IMPORT -> sb.append(text);
                case TYPE, METHOD -> sb.append(text.matches("(?s)^(?:@[^\\n]*\\s+)*(?:\\w+\\s+)*?static\\s.*") ? "" : "static ").append(text);
                case STATEMENT -> {
                    if (!inGroup) {
                        groups++;
                        sb.append("static void __g").append(groups).append("() throws Throwable { ");
                        inGroup = true;
                    }
                    sb.append(text);
                    if (!text.endsWith(";") && !text.endsWith("}")) sb.append(';');
                }
                default -> {
                }
            }
            at = s.end();
        }
        if (!inClass) return Optional.empty(); // only imports: no runbook, which JShell reports
        sb.append(content.substring(at)).append('\n'); // past a last line that may end in a // comment
        if (inGroup) sb.append(" }");
        sb.append(" public static void ").append(DECLARE).append("() throws Throwable {");
        for (int g = 1; g <= groups; g++) sb.append(" __g").append(g).append("();");
        sb.append(" } }\n");
        return Optional.of(sb.toString());
    }

    /**
     * The script cut into top-level snippets: a snippet ends at a {@code ;} outside brackets, or at
     * the {@code }} that closes a declaration's or a block statement's body. Strings, text blocks,
     * characters and comments are skipped. Null if the brackets do not balance.
     */
    static List<Snippet> split(String text) {
        List<Snippet> snippets = new ArrayList<>();
        int n = text.length();
        int i = 0;
        while (true) {
            i = skipSpaceAndComments(text, i);
            if (i >= n) return snippets;
            int start = i;
            if (text.charAt(i) == '/' ) { // a JShell command line (/exit): not Java
                int nl = text.indexOf('\n', i);
                int end = nl < 0 ? n : nl;
                snippets.add(new Snippet(start, end, Kind.COMMAND));
                i = end;
                continue;
            }
            int depth = 0;
            int end = -1;
            boolean blockBody = false;
            while (i < n) {
                char c = text.charAt(i);
                if (c == '"' || c == '\'') {
                    i = skipLiteral(text, i);
                    continue;
                }
                if (c == '/' && i + 1 < n && (text.charAt(i + 1) == '/' || text.charAt(i + 1) == '*')) {
                    i = skipSpaceAndComments(text, i);
                    continue;
                }
                if (c == '(' || c == '[' || c == '{') {
                    if (c == '{' && depth == 0) blockBody = opensBody(text.substring(start, i));
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    depth--;
                    if (depth < 0) return null;
                    if (c == '}' && depth == 0 && blockBody) {
                        end = i + 1;
                        // `} else {`, `} catch`, `} finally`, `} while (...)`: the statement goes on
                        int next = skipSpaceAndComments(text, end);
                        if (!text.startsWith("else", next) && !text.startsWith("catch", next) && !text.startsWith("finally", next)
                                && !text.startsWith("while", next)) {
                            i = end;
                            break;
                        }
                        end = -1;
                    }
                } else if (c == ';' && depth == 0) {
                    end = i + 1;
                    i = end;
                    break;
                }
                i++;
            }
            if (depth != 0) return null;
            if (end < 0) end = trimEnd(text, start, n);
            String head = text.substring(start, end);
            snippets.add(new Snippet(start, end, kindOf(head)));
            i = end;
        }
    }

    /** Whether a {@code {} at depth 0 after {@code head} opens a declaration's or a block statement's body. */
    private static boolean opensBody(String head) {
        String h = stripComments(head).strip();
        if (h.isEmpty()) return true;
        if (TYPE.matcher(h).find()) return true;
        String first = h.split("[\\s(]", 2)[0];
        if (Set.of("if", "for", "while", "switch", "try", "do", "synchronized", "else", "static").contains(first)) return true;
        return isMethodHead(h);
    }

    private static boolean isMethodHead(String h) {
        if (h.contains("=") || h.contains("->")) return false;
        var m = METHOD.matcher(h);
        if (!m.matches()) return false;
        String firstWord = h.split("\\s", 2)[0];
        return !NOT_A_TYPE.contains(firstWord) && !NOT_A_TYPE.contains(m.group(1));
    }

    private static Kind kindOf(String snippet) {
        String h = stripComments(snippet).strip();
        if (h.startsWith("import ") || h.startsWith("import\t")) return Kind.IMPORT;
        if (TYPE.matcher(h).find()) return Kind.TYPE;
        int brace = h.indexOf('{');
        if (brace > 0 && h.endsWith("}") && isMethodHead(h.substring(0, brace).strip())) return Kind.METHOD;
        return Kind.STATEMENT;
    }

    private static String stripComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }

    private static int trimEnd(String text, int start, int end) {
        int e = end;
        while (e > start && Character.isWhitespace(text.charAt(e - 1))) e--;
        return e;
    }

    private static int skipSpaceAndComments(String text, int i) {
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '/') {
                int nl = text.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int close = text.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else {
                return i;
            }
        }
        return i;
    }

    /** Past a string, text block or character literal starting at {@code i}. */
    private static int skipLiteral(String text, int i) {
        int n = text.length();
        char quote = text.charAt(i);
        if (quote == '"' && text.startsWith("\"\"\"", i)) {
            int close = i + 3;
            while (true) {
                close = text.indexOf("\"\"\"", close);
                if (close < 0) return n;
                int backslashes = 0;
                for (int b = close - 1; b >= 0 && text.charAt(b) == '\\'; b--) backslashes++;
                if (backslashes % 2 == 0) return close + 3;
                close++;
            }
        }
        int j = i + 1;
        while (j < n) {
            char c = text.charAt(j);
            if (c == '\\') {
                j += 2;
                continue;
            }
            if (c == quote || c == '\n') return j + 1;
            j++;
        }
        return n;
    }
}
