package io.discordination.ops.gate;

import io.discordination.ops.text.ShellWords;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell command equivalent to one mutating verb, owned by the handle that performs it: a
 * template with named placeholders that renders either with the values the verb resolved (for the
 * plan, the run, the confirmation prompt and the audit record) or as written, placeholders and all
 * (for {@code ops describe} and {@code ops docs}). Both come from the same text, so what the docs
 * show is what the code runs.
 *
 * <p>The template is shell text. A word without a placeholder is printed as written ({@code "$DATABASE_URL"},
 * {@code --force-new-deployment}). A word with placeholders is one argument: its literal text (shell
 * quotes in it removed) joined with the values, quoted by {@link ShellWords#quote}, so no value can
 * become a second command. A placeholder written between single quotes inside such a word is an SQL
 * string literal: a quote in its value is doubled. A word that is exactly one placeholder takes a
 * collection as one argument per element. Words in {@code [...]} are left out when one of their
 * placeholders has no value (an optional option).
 *
 * <pre>{@code
 * static final CommandTemplate RESTORE_VERSION = CommandTemplate.of(
 *         "aws s3api copy-object --bucket <bucket> --copy-source <bucket>/<url_encoded_key>?versionId=<version_id> --key <key>");
 * RESTORE_VERSION.with("bucket", "discordination-files").with("url_encoded_key", k).with("version_id", v).with("key", k).render();
 * }</pre>
 */
public final class CommandTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("<([a-z][a-z0-9_]*)>");

    private final String text;
    private final List<Word> words;
    private final Set<String> placeholders;

    private CommandTemplate(String text) {
        this.text = text;
        this.words = parse(text);
        Set<String> names = new LinkedHashSet<>();
        for (Word w : words) names.addAll(w.placeholders());
        this.placeholders = Collections.unmodifiableSet(names);
    }

    /** A template; a malformed one (an unclosed quote or {@code [}) fails here, when the handle's class loads. */
    public static CommandTemplate of(String text) {
        return new CommandTemplate(Objects.requireNonNull(text, "text"));
    }

    /** The template as written, with {@code <name>} placeholders: what describe and the docs show. */
    public String text() {
        return text;
    }

    /** The placeholders' names, in the order they first appear. */
    public Set<String> placeholders() {
        return placeholders;
    }

    /** Starts binding values: {@code template.with("bucket", bucket).with("key", key).render()}. */
    public Values with(String name, Object value) {
        return new Values(this, Map.of()).with(name, value);
    }

    /** The rendered command of a template without placeholders. */
    public Values values() {
        return new Values(this, Map.of());
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommandTemplate t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /**
     * Values bound to a template's placeholders, immutable; {@link #render()} checks that every
     * placeholder has exactly one binding (null: no value, which only an optional {@code [...]} accepts).
     */
    public static final class Values {
        private final CommandTemplate template;
        private final Map<String, Object> values;

        private Values(CommandTemplate template, Map<String, Object> values) {
            this.template = template;
            this.values = values;
        }

        public Values with(String name, Object value) {
            if (!template.placeholders.contains(name)) {
                throw new IllegalArgumentException("the command template has no placeholder <" + name + ">: " + template.text);
            }
            Map<String, Object> next = new LinkedHashMap<>(values);
            next.put(name, value);
            return new Values(template, next);
        }

        public CommandTemplate template() {
            return template;
        }

        /** The command with every value in place, each quoted as one shell argument. */
        public String render() {
            for (String name : template.placeholders) {
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException("no value for <" + name + "> in the command template " + template.text);
                }
            }
            List<String> out = new ArrayList<>();
            for (Word w : template.words) {
                if (w.optional() && w.placeholders().stream().anyMatch(n -> values.get(n) == null)) continue;
                out.addAll(w.render(values, template.text));
            }
            return String.join(" ", out);
        }

        @Override
        public String toString() {
            return render();
        }
    }

    // --- parsing ------------------------------------------------------------------------------------------------

    /** One piece of a word: literal text (shell quotes removed) or a placeholder. */
    private record Part(String literal, String placeholder, boolean sqlLiteral) {
    }

    /** A word of the template (several, for an optional group): as written, and as parts for rendering. */
    private record Word(List<String> written, List<List<Part>> parts, boolean optional, Set<String> placeholders) {

        List<String> render(Map<String, Object> values, String template) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                List<Part> word = parts.get(i);
                if (word.stream().allMatch(p -> p.placeholder() == null)) {
                    out.add(written.get(i));
                    continue;
                }
                if (word.size() == 1 && values.get(word.get(0).placeholder()) instanceof Collection<?> many) {
                    // an empty list is an argument too: the AWS CLI reads [] as "none"
                    if (many.isEmpty()) out.add(ShellWords.quote("[]"));
                    for (Object v : many) out.add(ShellWords.quote(String.valueOf(v)));
                    continue;
                }
                StringBuilder value = new StringBuilder();
                for (Part p : word) {
                    if (p.placeholder() == null) {
                        value.append(p.literal());
                        continue;
                    }
                    Object v = values.get(p.placeholder());
                    if (v == null) throw new IllegalArgumentException("no value for <" + p.placeholder() + "> in " + template);
                    if (v instanceof Collection<?>) {
                        throw new IllegalArgumentException("<" + p.placeholder() + "> is a list; only a word of its own takes one: " + template);
                    }
                    String s = String.valueOf(v);
                    value.append(p.sqlLiteral() ? s.replace("'", "''") : s);
                }
                out.add(ShellWords.quote(value.toString()));
            }
            return out;
        }
    }

    private static List<Word> parse(String text) {
        List<String> tokens = tokens(text);
        List<Word> words = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.startsWith("[")) {
                List<String> group = new ArrayList<>();
                String current = t.substring(1);
                while (!current.endsWith("]")) {
                    group.add(current);
                    if (++i >= tokens.size()) throw new IllegalArgumentException("an unclosed [ in the command template " + text);
                    current = tokens.get(i);
                }
                group.add(current.substring(0, current.length() - 1));
                words.add(word(group, true, text));
            } else {
                words.add(word(List.of(t), false, text));
            }
        }
        return List.copyOf(words);
    }

    private static Word word(List<String> written, boolean optional, String text) {
        List<List<Part>> parts = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (String w : written) {
            List<Part> p = parts(unquoted(w, text));
            p.stream().map(Part::placeholder).filter(Objects::nonNull).forEach(names::add);
            parts.add(p);
        }
        if (optional && names.isEmpty()) throw new IllegalArgumentException("an optional [...] without a placeholder in " + text);
        return new Word(List.copyOf(written), List.copyOf(parts), optional, Collections.unmodifiableSet(names));
    }

    private static List<Part> parts(String value) {
        List<Part> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(value);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) parts.add(new Part(value.substring(at, m.start()), null, false));
            boolean sql = m.start() > 0 && value.charAt(m.start() - 1) == '\''
                    && m.end() < value.length() && value.charAt(m.end()) == '\'';
            parts.add(new Part(null, m.group(1), sql));
            at = m.end();
        }
        if (at < value.length() || parts.isEmpty()) parts.add(new Part(value.substring(at), null, false));
        return parts;
    }

    /** Splits at blanks outside quotes; a word keeps its quotes (they are removed by {@link #unquoted}). */
    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                current.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                current.append(c);
            } else if (c == ' ') {
                if (current.length() > 0) tokens.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (quote != 0) throw new IllegalArgumentException("an unclosed " + quote + " in the command template " + text);
        if (current.length() > 0) tokens.add(current.toString());
        return tokens;
    }

    /** The word's text as the shell passes it on, quotes removed (used only where the word holds a placeholder). */
    private static String unquoted(String word, String text) {
        StringBuilder out = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else out.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else {
                out.append(c);
            }
        }
        String value = out.toString();
        if (PLACEHOLDER.matcher(value).find() && (word.contains("$") || word.contains("\\") || word.contains("`"))) {
            throw new IllegalArgumentException("a word with a placeholder cannot also hold shell expansions ($, \\, `): " + word
                    + " in " + text);
        }
        return value;
    }
}
