package io.discordination.ops.registry;

import io.discordination.ops.OpsException;
import io.discordination.ops.text.Durations;
import io.discordination.ops.topology.ApprovalsTopology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An environment's two-person rule, read from its {@code approvals:} section: which runs need a
 * saved plan approved by someone other than its author, how many approvals, and how long they and
 * plans stay valid. Without rules nothing needs approval.
 *
 * <pre>{@code
 * ApprovalPolicy policy = ApprovalPolicy.of(topology.approvals());
 * policy.match("flush-redis-cache", Map.of("scope", "everything"), false)   // the rule "flush-redis-cache scope=everything"
 * }</pre>
 */
public record ApprovalPolicy(List<Rule> rules, int required, Duration expiry, Duration planExpiry) {
    public static final Duration DEFAULT_EXPIRY = Duration.ofHours(24);
    public static final Duration DEFAULT_PLAN_EXPIRY = Duration.ofHours(4);
    /** The rule that matches any runbook whose plan has a destructive effect. */
    public static final String DESTRUCTIVE = "destructive";

    public ApprovalPolicy {
        rules = List.copyOf(rules);
    }

    /**
     * One rule: {@code destructive}, a runbook name, or a name followed by {@code param=value} words
     * (every one must hold).
     */
    public record Rule(String text, String runbook, Map<String, String> values) {
        public boolean destructive() {
            return runbook == null;
        }

        boolean matchesByName(String name, Map<String, String> parameters) {
            if (runbook == null || !runbook.equals(name)) return false;
            for (Map.Entry<String, String> v : values.entrySet()) {
                if (!v.getValue().equals(parameters.get(v.getKey()))) return false;
            }
            return true;
        }

        static Rule parse(String text, String setting) {
            String[] words = text.trim().split("\\s+");
            if (words.length == 1 && DESTRUCTIVE.equals(words[0])) return new Rule(text.trim(), null, Map.of());
            if (!words[0].matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
                throw OpsException.builder("setting '" + setting + "': rule '" + text + "' should be destructive, a runbook name, "
                        + "or a name and param=value words").invalidInput();
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 1; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                if (eq <= 0) {
                    throw OpsException.builder("setting '" + setting + "': rule '" + text + "': '" + words[i]
                            + "' should be param=value").invalidInput();
                }
                values.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
            return new Rule(String.join(" ", words), words[0], Map.copyOf(values));
        }
    }

    /** No rules: nothing needs approval. */
    public static final ApprovalPolicy NONE = new ApprovalPolicy(List.of(), 1, DEFAULT_EXPIRY, DEFAULT_PLAN_EXPIRY);

    /** The policy of {@code section}; a malformed rule, count or duration is bad input naming the setting. */
    public static ApprovalPolicy of(ApprovalsTopology section) {
        List<Rule> rules = new ArrayList<>();
        for (String text : section.rules().values()) rules.add(Rule.parse(text, "approvals.rules"));
        int required = 1;
        if (section.required().optional().isPresent()) {
            String raw = section.required().optional().get().trim();
            try {
                required = Integer.parseInt(raw);
            } catch (NumberFormatException e) {
                required = -1;
            }
            if (required < 1 || required > 10) {
                throw OpsException.builder("setting 'approvals.required' should be a whole number from 1 to 10").invalidInput();
            }
        }
        return new ApprovalPolicy(rules, required, duration(section.expiry().optional(), "approvals.expiry", DEFAULT_EXPIRY),
                duration(section.planExpiry().optional(), "approvals.planExpiry", DEFAULT_PLAN_EXPIRY));
    }

    private static Duration duration(Optional<String> raw, String setting, Duration otherwise) {
        if (raw.isEmpty()) return otherwise;
        try {
            Duration d = Durations.parse(raw.get());
            if (!d.isNegative() && !d.isZero()) return d;
        } catch (RuntimeException e) {
            // said below
        }
        throw OpsException.builder("setting '" + setting + "' should be a duration such as 4h or 30m").invalidInput();
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** True when a {@code destructive} rule exists: whether a run needs approval may depend on its plan. */
    public boolean hasDestructiveRule() {
        return rules.stream().anyMatch(Rule::destructive);
    }

    /**
     * The first rule that makes a run of {@code runbook} with {@code parameters} (as shown) need
     * approval: a rule naming it, else {@code destructive} when {@code hasDestructive}.
     */
    public Optional<Rule> match(String runbook, Map<String, String> parameters, boolean hasDestructive) {
        Optional<Rule> named = matchByName(runbook, parameters);
        if (named.isPresent() || !hasDestructive) return named;
        return rules.stream().filter(Rule::destructive).findFirst();
    }

    /** A rule naming {@code runbook} (and its parameter values), decided before anything runs. */
    public Optional<Rule> matchByName(String runbook, Map<String, String> parameters) {
        return rules.stream().filter(r -> r.matchesByName(runbook, parameters)).findFirst();
    }
}
