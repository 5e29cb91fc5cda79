package io.discordination.ops.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean ...": the known names nearest to a mistyped one, by edit distance (insertions,
 * deletions, substitutions and swaps of two neighbouring letters each count one), so that
 * {@code flush-reids-cache} finds {@code flush-redis-cache}.
 *
 * <pre>{@code Suggestions.nearest("pln", List.of("plan", "run"))   // [plan]}</pre>
 */
public final class Suggestions {
    private Suggestions() {
    }

    /**
     * The names closest to {@code word}, best first, at most three; only names within a third of the
     * word's length (at least two edits) count, so that nothing unrelated is suggested. A name that
     * starts with the word ({@code flush} for {@code flush-redis-cache}) also counts.
     */
    public static List<String> nearest(String word, Collection<String> names) {
        String w = word.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, w.length() / 3);
        int best = Integer.MAX_VALUE;
        List<String> found = new ArrayList<>();
        for (String name : names) {
            String n = name.toLowerCase(Locale.ROOT);
            int d = n.startsWith(w) && w.length() >= 3 ? 1 : distance(w, n);
            if (d > limit) continue;
            if (d < best) {
                best = d;
                found.clear();
            }
            if (d == best && found.size() < 3) found.add(name);
        }
        return found;
    }

    /** Optimal string alignment distance: Levenshtein plus the swap of two neighbouring characters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
