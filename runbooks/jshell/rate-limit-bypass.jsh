// Rate Limit Bypass: find the client IPs behind recent HTTP 429s in the API logs and block the chosen ones in the WAF.
// Plan it first (reads the logs, blocks nothing):  ops plan runbooks/jshell/rate-limit-bypass.jsh --param since=1h
// A block denies service to everyone in the range, so it is confirmed like any destructive step. A block list that
// covers more than a /16 of IPv4 (a /48 of IPv6) in total is refused unless --param allow-wide=true; one that overlaps
// private, loopback, link-local or the platform's own ranges (waf.platformRanges) unless --param allow-internal=true.
// The JShell twin of runbooks/rate-limit-bypass.groovy (what `ops run rate-limit-bypass` runs); both must plan the same.

/** What the block step shows: each chosen address, the 429s it got, and what the WAF update did. */
String blockTable(List<IpSetChange> changes, TopValues top) {
    Table table = Table.with("ADDRESS", "429S", "OUTCOME", "ATTEMPTS");
    for (IpSetChange change : changes) {
        Optional<TopValues.Entry> seen = top.top().stream().filter(e -> change.cidr().equals(Cidr.parse(e.value()).toString())).findFirst();
        table.row(change.cidr(), seen.isPresent() ? seen.get().count() : "", change.outcome(), change.attempts());
    }
    return table.toString();
}

runbook("rate-limit-bypass", "Rate Limit Bypass")
    .section("Security Incidents")
    .param(duration("since").defaultValue("1h").description("How far back to look for 429s"))
    .param(integer("top").defaultValue(10).min(1).max(100).description("How many client IPs to show"))
    .param(cidr("block").many().optional()
        .description("Addresses or ranges to block (a bare address is /32); without it nothing is blocked"))
    .param(bool("allow-wide").defaultValue(false)
        .description("Allow a block list that covers more than a /16 of IPv4 (a /48 of IPv6) in total: it denies service to every client in it"))
    .param(bool("allow-internal").defaultValue(false)
        .description("Allow ranges that overlap private, loopback, link-local or the platform's own ranges (waf.platformRanges)"))
    .check("Check the addresses to block", "aws wafv2 get-ip-set --name ${waf.ipSet.name} --scope ${waf.ipSet.scope} --id ${waf.ipSet.id} --query 'length(IPSet.Addresses)'",
        () -> {
            List<String> block = param("block");
            if (block == null) return "No --param block: nothing will be blocked.";
            return waf().allowWide(param("allow-wide")).allowInternal(param("allow-internal")).checkBlock(block);
        })
    .check("Check for suspicious patterns (the first 429s)", "aws logs tail ${logs.api} --since ${since} --filter-pattern '\"429\"'",
        () -> logs("api").filter("429", param("since")).first(10))
    .check("Find the top client IPs behind the 429s",
        "aws logs tail ${logs.api} --since ${since} --filter-pattern '\"429\"' | grep -o 'client_ip=[^ ]*' | sort | uniq -c | sort -rn | head -n ${top}",
        () -> logs("api").filter("429", param("since")).topClientIps(param("top")))
    .check("Show the WAF blocklist", "aws wafv2 get-ip-set --name ${waf.ipSet.name} --scope ${waf.ipSet.scope} --id ${waf.ipSet.id}",
        () -> waf().addresses())
    .action("Block IP at ALB (add the chosen addresses to the WAF blocklist)", () -> {
            TopValues top = result("Find the top client IPs behind the 429s");
            List<String> block = param("block");
            if (block == null) {
                String candidates = String.join(", ", top.top().stream().map(e -> e.value() + " (" + e.count() + ")").toList());
                return "Nothing blocked: no --param block. Top client IPs behind 429s: " + (candidates.isEmpty() ? "none" : candidates) + ".";
            }
            return blockTable(waf().allowWide(param("allow-wide")).allowInternal(param("allow-internal")).block(block).changes(), top);
        })
    .command("aws wafv2 get-ip-set --name ${waf.ipSet.name} --scope ${waf.ipSet.scope} --id ${waf.ipSet.id} --query '[IPSet.Addresses,LockToken]'",
        "aws wafv2 update-ip-set --name ${waf.ipSet.name} --scope ${waf.ipSet.scope} --id ${waf.ipSet.id} --addresses $ADDRESSES ${block} --lock-token $LOCK_TOKEN")
    .verify("The chosen addresses are in the WAF blocklist", () -> {
            List<String> block = param("block");
            IpSetAddresses set = waf().addresses();
            return block == null || block.stream().allMatch(set::contains);
        })
    .timeout(seconds(30)).every(seconds(2));
