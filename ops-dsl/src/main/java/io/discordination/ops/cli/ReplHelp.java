package io.discordination.ops.cli;

import io.discordination.ops.Ops;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code help()} (JShell) and {@code :help} (Groovy) print in {@code ops repl}: the entry
 * points of the {@link Ops} facade, each with the verbs of the handle it returns. Read from the
 * classes themselves, so the list is never out of date.
 *
 * <pre>{@code System.out.print(ReplHelp.text("/exit"));}</pre>
 */
final class ReplHelp {
    private static final int WIDTH = 100;
    private static final Set<String> NOT_ENTRY_POINTS = Set.of("use", "seconds", "minutes", "hours", "days");

    private ReplHelp() {
    }

    /** The help text; {@code exit} is how the shell is left ({@code /exit} or {@code :exit}). */
    static String text(String exit) {
        StringBuilder sb = new StringBuilder("Entry points (the environment's short names, such as \"api\": see ops env):\n");
        List<Method> entries = Arrays.stream(Ops.class.getMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == Ops.class)
                .filter(m -> !NOT_ENTRY_POINTS.contains(m.getName()))
                .sorted(Comparator.comparing(Method::getName).thenComparing(Method::getParameterCount))
                .toList();
        for (Method m : entries) {
            String call = m.getName() + "(" + String.join(", ", Arrays.stream(m.getParameters()).map(ReplHelp::parameter).toList()) + ")";
            sb.append("  ").append(call).append(" ".repeat(Math.max(1, 22 - call.length())))
                    .append(m.getReturnType().getSimpleName());
            Set<String> verbs = verbs(m.getReturnType());
            if (!verbs.isEmpty()) sb.append(wrapped(": " + String.join(", ", verbs), 26 + m.getReturnType().getSimpleName().length()));
            sb.append('\n');
        }
        sb.append("  seconds(n), minutes(n), hours(n), days(n)  durations, as in logs(\"api\").tail(minutes(10))\n");
        sb.append("Results print as tables. Destructive calls ask y/N here (and the environment's name when it is protected);\n");
        sb.append("every effect is audited (ops audit). Leave with ").append(exit).append(".\n");
        return sb.toString();
    }

    private static String parameter(Parameter p) {
        String type = p.getType().getSimpleName();
        return switch (type) {
            case "String" -> p.getName().startsWith("arg") ? "name" : p.getName();
            default -> type.toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The public instance methods a handle declares, without the plumbing every record has. */
    private static Set<String> verbs(Class<?> type) {
        Set<String> verbs = new TreeSet<>();
        if (type.isPrimitive() || type.getName().startsWith("java.") || type == Duration.class) return verbs;
        for (Method m : type.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class || m.isSynthetic()) continue;
            if (Set.of("toString", "hashCode", "equals").contains(m.getName())) continue;
            verbs.add(m.getName() + "()");
        }
        return verbs;
    }

    /** {@code text} wrapped at {@value #WIDTH} columns, continuation lines indented to {@code indent}. */
    private static String wrapped(String text, int indent) {
        StringBuilder sb = new StringBuilder();
        int column = indent;
        for (String word : text.split(" ")) {
            if (column + word.length() + 1 > WIDTH && column > indent) {
                sb.append('\n').append(" ".repeat(indent));
                column = indent;
            } else if (sb.length() > 0) {
                sb.append(' ');
                column++;
            }
            sb.append(word);
            column += word.length();
        }
        return sb.toString();
    }
}
