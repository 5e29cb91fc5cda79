package io.discordination.ops;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import io.discordination.ops.text.TerminalText;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Scrubs known secret values, and credentials inside URLs and parameters, out of any text before
 * it is printed, logged, audited or journaled. A context owns one; it learns the environment's
 * secrets and every secret a verb creates (a rotated password), so that a value that slipped into
 * an exception message or a command line is still masked.
 *
 * <p>Redaction is linear in the text whatever it holds (a CloudWatch event may be 256 KB): the
 * known values are found in one pass by an Aho-Corasick automaton, and {@link Credentials}
 * scans for credentials by their place in one pass more.
 *
 * <pre>{@code String safe = context.redactor().redact(message);}</pre>
 */
public final class Redactor {
    /** Shorter values would mask ordinary words; they stay masked where they travel as {@link Secret}. */
    static final int MIN_LENGTH = 4;

    private final Set<String> values = new LinkedHashSet<>();
    private volatile Automaton automaton = Automaton.EMPTY;

    public Redactor register(Secret secret) {
        if (secret != null) register(secret.reveal());
        return this;
    }

    /** Learns a value from {@link Credentials} or the environment, with the forms it takes in URLs, JSON and tables. */
    public Redactor register(String value) {
        if (value == null || value.length() < MIN_LENGTH) return this;
        synchronized (values) {
            boolean added = false;
            for (String form : forms(value)) {
                if (form.length() >= MIN_LENGTH) added |= values.add(form);
            }
            if (added) automaton = Automaton.of(values);
        }
        return this;
    }

    /** The ways one secret is written where this redactor looks: as is, URL-encoded, JSON-escaped, terminal-escaped. */
    private static Set<String> forms(String value) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(value);
        String formEncoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
        forms.add(formEncoded);
        forms.add(formEncoded.replace("+", "%20"));
        // as every JSON writer of Jackson escapes a string's text (without building a mapper for it)
        forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(value)));
        forms.add(TerminalText.escape(value));
        return forms;
    }

    public String redact(String text) {
        if (text == null || text.isEmpty()) return text;
        return Credentials.maskInText(automaton.mask(text));
    }

    /**
     * Every registered value in one automaton: goto edges, failure links, and for each state the
     * longest value that ends there. Immutable; {@link #register} swaps in a new one.
     */
    private static final class Automaton {
        static final Automaton EMPTY = new Automaton();

        private final Map<Character, Node> rootEdges;
        private final Node root = new Node(0);

        private Automaton() {
            this.rootEdges = root.edges;
        }

        private static final class Node {
            final Map<Character, Node> edges = new HashMap<>(4);
            final int depth;
            Node fail;
            /** Length of the longest value that ends at this state (itself or by a failure link), 0 if none. */
            int longest;

            Node(int depth) {
                this.depth = depth;
            }
        }

        static Automaton of(Set<String> values) {
            Automaton a = new Automaton();
            for (String v : values) {
                Node node = a.root;
                for (int i = 0; i < v.length(); i++) {
                    final int depth = node.depth + 1;
                    node = node.edges.computeIfAbsent(v.charAt(i), c -> new Node(depth));
                }
                node.longest = v.length();
            }
            ArrayDeque<Node> queue = new ArrayDeque<>();
            for (Node child : a.root.edges.values()) {
                child.fail = a.root;
                queue.add(child);
            }
            while (!queue.isEmpty()) {
                Node node = queue.poll();
                for (Map.Entry<Character, Node> e : node.edges.entrySet()) {
                    Node child = e.getValue();
                    Node f = node.fail;
                    while (f != a.root && !f.edges.containsKey(e.getKey())) f = f.fail;
                    Node target = f.edges.get(e.getKey());
                    child.fail = target != null && target != child ? target : a.root;
                    if (child.longest == 0) child.longest = child.fail.longest;
                    queue.add(child);
                }
            }
            return a;
        }

        /** {@code text} with every run of characters covered by a known value replaced by one mask. */
        String mask(String text) {
            if (rootEdges.isEmpty()) return text;
            int n = text.length();
            // merged [start, end) runs; a later match may reach back over earlier ones, so they form a stack
            int[] starts = new int[8];
            int[] ends = new int[8];
            int runs = 0;
            Node node = root;
            for (int i = 0; i < n; i++) {
                char c = text.charAt(i);
                Node next = node.edges.get(c);
                while (next == null && node != root) {
                    node = node.fail;
                    next = node.edges.get(c);
                }
                node = next == null ? root : next;
                if (node.longest == 0) continue;
                int start = i + 1 - node.longest;
                int end = i + 1;
                while (runs > 0 && start < ends[runs - 1]) {
                    runs--;
                    start = Math.min(start, starts[runs]);
                }
                if (runs == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, runs * 2);
                    ends = java.util.Arrays.copyOf(ends, runs * 2);
                }
                starts[runs] = start;
                ends[runs] = end;
                runs++;
            }
            if (runs == 0) return text;
            runs = widenToWholeEscapes(text, starts, ends, runs);
            StringBuilder sb = new StringBuilder(n);
            int copied = 0;
            for (int r = 0; r < runs; r++) {
                sb.append(text, copied, starts[r]).append(Secret.MASK);
                copied = ends[r];
            }
            sb.append(text, copied, n);
            return sb.toString();
        }

        /**
         * Widens the runs so none starts or ends inside a JSON escape ({@code \\n}, {@code \\"},
         * {@code \\u00e9}): the text may be a journal line, which must still parse once masked.
         * Each character is looked at a bounded number of times, so this stays linear.
         */
        private static int widenToWholeEscapes(String text, int[] starts, int[] ends, int runs) {
            int kept = 0;
            int floor = 0;
            for (int r = 0; r < runs; r++) {
                int start = escapeStart(text, starts[r], floor);
                int end = escapeEnd(text, start, ends[r]);
                if (kept > 0 && start <= ends[kept - 1]) {
                    ends[kept - 1] = Math.max(ends[kept - 1], end);
                } else {
                    starts[kept] = start;
                    ends[kept] = end;
                    kept++;
                }
                floor = ends[kept - 1];
            }
            return kept;
        }

        /** {@code start}, or the backslash of the escape that {@code start} is inside of. */
        private static int escapeStart(String text, int start, int floor) {
            for (int k = 1; k <= 5 && start - k >= floor; k++) {
                int b = start - k;
                char c = text.charAt(b);
                if (c == '\\') {
                    if (!escaping(text, b, floor)) return start;
                    if (k == 1 || text.charAt(b + 1) == 'u') return b;
                    return start;
                }
                if (!isHex(c) && c != 'u') return start; // only the u and hex digits of a unicode escape lie between
            }
            return start;
        }

        /** {@code end}, or the end of the escape that the run's last characters begin. */
        private static int escapeEnd(String text, int start, int end) {
            int n = text.length();
            for (int k = 1; k <= 5 && end - k >= start; k++) {
                int b = end - k;
                if (text.charAt(b) != '\\') continue;
                if (!escaping(text, b, start)) return end;
                boolean unicode = b + 1 < n && text.charAt(b + 1) == 'u';
                int escapeEnd = Math.min(n, unicode ? b + 6 : b + 2);
                return Math.max(end, escapeEnd);
            }
            return end;
        }

        /** True when the backslash at {@code b} starts an escape: an odd number of backslashes end there. */
        private static boolean escaping(String text, int b, int floor) {
            int count = 0;
            for (int i = b; i >= floor && text.charAt(i) == '\\'; i--) count++;
            return count % 2 == 1;
        }

        private static boolean isHex(char c) {
            return Character.digit(c, 16) >= 0 && c < 128;
        }
    }
}
