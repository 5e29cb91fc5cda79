package io.discordination.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark (run by {@code bench/redaction}, never by the test suite): redacting a log line of
 * {@code "[info] GET /api/v9/" + "a." * n} and random hostile text with our {@link Redactor},
 * against the redactor the project had before (known values replaced one by one with
 * {@code String.replace}, then one URL-password regular expression), in the same run. Writes its
 * section of {@code docs/benchmarks.md}.
 */
public final class RedactionBenchmark {
    static final String START = "<!-- bench/redaction: start -->";
    static final String END = "<!-- bench/redaction: end -->";
    /** The URL-password pattern of the previous redactor, kept here only to measure against. */
    private static final Pattern PREVIOUS_URL_PASSWORD = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^/\\s:@]*:)([^@\\s/]+)@");
    private static final List<String> SECRETS = List.of("lk-S3cret-0123456789abcdef", "db-Pa55word-0042", "a.a.a.a.b");
    /** The previous redactor gets at most this long per text; beyond it the row says so. */
    private static final long PREVIOUS_BUDGET_NANOS = 120_000_000_000L;

    private RedactionBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path doc = Path.of(args.length > 0 ? args[0] : "docs/benchmarks.md");
        Redactor ours = new Redactor();
        SECRETS.forEach(s -> ours.register(Secret.of(s)));
        List<String[]> rows = new ArrayList<>();
        for (int kb : new int[]{10, 20, 40, 80}) {
            String line = "[info] GET /api/v9/" + "a.".repeat(kb * 512);
            rows.add(row("api log line, `a.` run, " + kb + " KB", line, ours));
        }
        rows.add(row("api log line, `a.` run, 256 KB", "[info] GET /api/v9/" + "a.".repeat(128 * 1024), ours));
        rows.add(row("random hostile text, 256 KB", hostile(new Random(1), 256 * 1024), ours));
        String section = section(rows);
        System.out.println(section);
        write(doc, section);
    }

    private static String[] row(String what, String text, Redactor ours) {
        for (int i = 0; i < 5; i++) ours.redact(text); // warm up
        long oursNanos = median(() -> ours.redact(text));
        long previousNanos = -1;
        if (text.length() <= 80 * 1024 + 64) {
            long t0 = System.nanoTime();
            previous(text);
            previousNanos = System.nanoTime() - t0;
            if (previousNanos > PREVIOUS_BUDGET_NANOS) previousNanos = -1;
        }
        String previous = previousNanos < 0 ? "not run (quadratic: minutes)" : millis(previousNanos);
        String ratio = previousNanos < 0 ? "" : String.format(Locale.ROOT, "%,.0fx", (double) previousNanos / Math.max(1, oursNanos));
        return new String[]{what, String.format(Locale.ROOT, "%,d", text.length()), previous, millis(oursNanos), ratio};
    }

    private static String previous(String text) {
        String out = text;
        for (String v : SECRETS.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            if (out.contains(v)) out = out.replace(v, Secret.MASK);
        }
        Matcher m = PREVIOUS_URL_PASSWORD.matcher(out);
        return m.find() ? m.replaceAll("$1" + Matcher.quoteReplacement(Secret.MASK) + "@") : out;
    }

    private static long median(Runnable work) {
        long[] runs = new long[7];
        for (int i = 0; i < runs.length; i++) {
            long t0 = System.nanoTime();
            work.run();
            runs[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(runs);
        return runs[runs.length / 2];
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%,.1f ms", nanos / 1e6);
    }

    private static String hostile(Random random, int length) {
        String[] pieces = {"a.", "://", "@", ":", "=", "password=", "&token=", "\u001b[2K", "\r", "\n", "\"", "\\", " ", "%zz", "é"};
        StringBuilder sb = new StringBuilder(length + 64);
        while (sb.length() < length) {
            int k = random.nextInt(10);
            if (k == 0) sb.append(SECRETS.get(random.nextInt(SECRETS.size())));
            else if (k == 1) sb.append(pieces[random.nextInt(pieces.length)].repeat(1 + random.nextInt(2000)));
            else sb.append(pieces[random.nextInt(pieces.length)]);
        }
        return sb.toString();
    }

    static String section(List<String[]> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(START).append('\n');
        sb.append("## Redaction of hostile text (`bench/redaction`)\n\n");
        sb.append("Every line ops prints, logs, audits or journals passes through the context's `Redactor`. A CloudWatch\n")
                .append("event may be 256 KB. Ours finds the known secrets with one Aho-Corasick automaton and credentials by\n")
                .append("their place (`Credentials`) in one more pass; the previous redactor replaced each known value with\n")
                .append("`String.replace` and then ran one URL-password regular expression, which backtracks over every run of\n")
                .append("scheme characters. Three secrets registered; ours is the median of 7 runs after 5 warm-up runs, the\n")
                .append("previous one a single run.\n\n");
        sb.append("| text | characters | previous redactor | ours | ratio |\n|---|---:|---:|---:|---:|\n");
        for (String[] r : rows) sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        sb.append('\n').append(END).append('\n');
        return sb.toString();
    }

    /** Replaces the section between the markers, or appends it. */
    static void write(Path doc, String section) throws IOException {
        String text = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n";
        int s = text.indexOf(START);
        int e = text.indexOf(END);
        if (s >= 0 && e > s) {
            text = text.substring(0, s) + section + text.substring(e + END.length() + (text.startsWith("\n", e + END.length()) ? 1 : 0));
        } else {
            text = text.stripTrailing() + "\n\n" + section;
        }
        Files.writeString(doc, text);
    }
}
