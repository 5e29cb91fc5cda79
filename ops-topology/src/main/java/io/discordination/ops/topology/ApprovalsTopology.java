package io.discordination.ops.topology;

/**
 * The {@code approvals:} section: the two-person rule. A run that a rule matches needs a saved plan
 * ({@code ops plan NAME --save}) approved by {@code required} operators other than its author
 * ({@code ops approve PLAN_ID}), and is then applied from that plan ({@code ops apply PLAN_ID});
 * {@code ops run} of it is refused.
 *
 * <pre>{@code
 * approvals:
 *   rules: [destructive, restore-db-backup, "flush-redis-cache scope=everything"]
 *   required: 1
 *   expiry: 24h
 * }</pre>
 *
 * @param rules      what needs approval, a list: {@code destructive} (any runbook whose plan has a
 *                   destructive effect), a runbook's name, or a name and parameter values
 *                   ({@code flush-redis-cache scope=everything}: only runs with every one of them)
 * @param required   how many approvals a matching plan needs; absent: 1
 * @param expiry     how long an approval stays valid ({@code 24h}); absent: 24 hours
 * @param planExpiry how long a saved plan can be applied ({@code 4h}); absent: 4 hours; {@code --expires} overrides it
 */
public record ApprovalsTopology(SettingList rules, Setting required, Setting expiry, Setting planExpiry) {
    public ApprovalsTopology {
        rules = Defaults.orAbsent(rules);
        required = Defaults.orAbsent(required);
        expiry = Defaults.orAbsent(expiry);
        planExpiry = Defaults.orAbsent(planExpiry);
    }

    /** True when the file has rules: some runs then need approved plans. */
    public boolean configured() {
        return rules.isWritten() && !rules.values().isEmpty();
    }

    static ApprovalsTopology empty() {
        return new ApprovalsTopology(null, null, null, null);
    }
}
