package io.discordination.ops.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What must not change between a saved plan and its apply, as one SHA-256: the runbook (its
 * name and content hash), the environment's name, the parameters as shown, and each effect's
 * system, target, verb and destructive flag with its text parameters (which snapshot, which
 * addresses, which version). Numbers (a key count, running tasks) are volatile: they are shown,
 * not fingerprinted, and so are times inside names ({@code manual-20250101-120000}).
 * {@link #changes} says in words what differs between two plans.
 *
 * <pre>{@code String fp = PlanFingerprint.of(runbook, hash, env, parameters, effects);}</pre>
 */
public final class PlanFingerprint {
    private static final Pattern TIME = Pattern.compile("\\d{8}-?\\d{6}");

    private PlanFingerprint() {
    }

    public static String of(String runbook, String runbookHash, String environment, Map<String, String> parameters,
                            List<SavedPlan.PlannedEffect> effects) {
        StringBuilder sb = new StringBuilder();
        sb.append("runbook ").append(runbook).append(' ').append(runbookHash).append('\n');
        sb.append("environment ").append(environment).append('\n');
        parameters.forEach((k, v) -> sb.append("param ").append(k).append('=').append(v).append('\n'));
        for (SavedPlan.PlannedEffect e : effects) sb.append("effect ").append(key(e.system(), e.target(), e.verb(), e.destructive(), e.parameters())).append('\n');
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fingerprinted part of one effect: what a run's effect must equal to be one the plan has. */
    public static String key(String system, String target, String verb, boolean destructive, Map<String, Object> parameters) {
        return system + "|" + target + "|" + verb + "|" + (destructive ? "destructive" : "") + "|" + bound(parameters);
    }

    /** The text parameters, times in them masked; numbers, booleans and absent values left out. */
    static Map<String, String> bound(Map<String, Object> parameters) {
        Map<String, String> out = new LinkedHashMap<>();
        if (parameters == null) return out;
        parameters.forEach((k, v) -> {
            if (v == null || v instanceof Number || v instanceof Boolean) return;
            String text = String.valueOf(v);
            if (text.matches("-?\\d+(\\.\\d+)?")) return;
            out.put(k, TIME.matcher(text).replaceAll("<time>"));
        });
        return out;
    }

    /**
     * What changed from {@code saved} to a fresh plan, in words: the runbook edited, a parameter
     * changed, an effect added or removed, a text parameter of an effect changed. Empty when the
     * fingerprints would be equal.
     */
    public static List<String> changes(SavedPlan saved, String runbookHash, String environment, Map<String, String> parameters,
                                       List<SavedPlan.PlannedEffect> now) {
        List<String> changes = new ArrayList<>();
        if (!Objects.equals(saved.runbookHash(), runbookHash)) {
            changes.add("runbook " + saved.runbook() + " edited since the plan (content hash " + shortHash(saved.runbookHash())
                    + " then, " + shortHash(runbookHash) + " now)");
        }
        if (!saved.environment().equals(environment)) changes.add("environment " + saved.environment() + " then, " + environment + " now");
        java.util.Set<String> names = new java.util.LinkedHashSet<>(saved.parameters().keySet());
        names.addAll(parameters.keySet());
        for (String name : names) {
            String was = saved.parameters().get(name);
            String is = parameters.get(name);
            if (!Objects.equals(was, is)) changes.add("parameter " + name + " changed: " + was + " then, " + is + " now");
        }
        List<SavedPlan.PlannedEffect> unmatched = new ArrayList<>(now);
        List<SavedPlan.PlannedEffect> removed = new ArrayList<>();
        for (SavedPlan.PlannedEffect was : saved.effects()) {
            SavedPlan.PlannedEffect same = find(unmatched, was, true);
            if (same != null) {
                unmatched.remove(same);
                continue;
            }
            SavedPlan.PlannedEffect similar = find(unmatched, was, false);
            if (similar != null) {
                unmatched.remove(similar);
                changes.add("effect " + was.summary() + " changed: " + paramsChange(was, similar));
            } else {
                removed.add(was);
            }
        }
        for (SavedPlan.PlannedEffect e : removed) changes.add("effect removed: " + e.summary());
        for (SavedPlan.PlannedEffect e : unmatched) changes.add("effect added: " + e.summary() + (e.destructive() ? " (destructive)" : ""));
        return changes;
    }

    /** The volatile numbers that differ between {@code saved} and a fresh plan (shown, not refused). */
    public static List<String> volatileChanges(SavedPlan saved, List<SavedPlan.PlannedEffect> now) {
        List<String> notes = new ArrayList<>();
        List<SavedPlan.PlannedEffect> unmatched = new ArrayList<>(now);
        for (SavedPlan.PlannedEffect was : saved.effects()) {
            SavedPlan.PlannedEffect same = find(unmatched, was, true);
            if (same == null) continue;
            unmatched.remove(same);
            Map<String, Object> a = was.parameters() == null ? Map.of() : was.parameters();
            Map<String, Object> b = same.parameters() == null ? Map.of() : same.parameters();
            for (String k : a.keySet()) {
                if (!Objects.equals(String.valueOf(a.get(k)), String.valueOf(b.get(k))) && !bound(Map.of(k, String.valueOf(a.get(k)))).containsKey(k)) {
                    notes.add(was.summary() + ": " + k + " " + a.get(k) + " at the plan, " + b.get(k) + " now");
                }
            }
        }
        return notes;
    }

    private static SavedPlan.PlannedEffect find(List<SavedPlan.PlannedEffect> in, SavedPlan.PlannedEffect like, boolean exactly) {
        for (SavedPlan.PlannedEffect e : in) {
            boolean sameThing = e.system().equals(like.system()) && e.target().equals(like.target()) && e.verb().equals(like.verb());
            if (!sameThing) continue;
            if (!exactly) return e;
            if (key(e.system(), e.target(), e.verb(), e.destructive(), e.parameters())
                    .equals(key(like.system(), like.target(), like.verb(), like.destructive(), like.parameters()))) return e;
        }
        return null;
    }

    private static String paramsChange(SavedPlan.PlannedEffect was, SavedPlan.PlannedEffect is) {
        List<String> parts = new ArrayList<>();
        if (was.destructive() != is.destructive()) parts.add(is.destructive() ? "now destructive" : "no longer destructive");
        Map<String, String> a = bound(was.parameters());
        Map<String, String> b = bound(is.parameters());
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) parts.add(k + " " + was.parameters().get(k) + " then, " + is.parameters().get(k) + " now");
        }
        return String.join("; ", parts);
    }

    private static String shortHash(String hash) {
        return hash == null ? "?" : hash.substring(0, Math.min(12, hash.length()));
    }
}
