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
    .check("Check for suspicious patterns (the first 429s)", "aws logs tail ${logs.api} --since ${since} --filter-pattern '\"status=429\"'",
        () -> logs("api").status(429, param("since")).first(10))
    // one Logs Insights query: a handful of calls however many events the hour holds, and only status=429 counts
    .check("Find the top client IPs behind the 429s", "START_TIME=$(date -d \"-$(echo ${since} | sed 's/d$/ day/;s/h$/ hour/;s/m$/ minute/;s/s$/ second/')\" +%s)",
        () -> logs("api").status(429, param("since")).topClientIps(param("top")))
    .command("QUERY_ID=$(aws logs start-query --log-group-name ${logs.api} --start-time $START_TIME --end-time $(date +%s) --query-string 'parse @message /\\bstatus=(?<status>\\d{3})\\b/ | filter status = 429 | parse @message /\\bclient_ip=(?<client_ip>[0-9A-Fa-f:.]+)/ | filter ispresent(client_ip) | stats count(*) as requests by client_ip | sort requests desc | limit ${top}' --query queryId --output text)",
        "aws logs get-query-results --query-id $QUERY_ID   # again until its status is Complete")
    .check("Show the WAF blocklist", "aws wafv2 get-ip-set --name ${waf.ipSet.name} --scope ${waf.ipSet.scope} --id ${waf.ipSet.id}",
        () -> waf().addresses())
    .action("Block IP at ALB (add the chosen addresses to the WAF blocklist)", WafIpSet.UPDATE_IP_SET, () -> {
            TopValues top = result("Find the top client IPs behind the 429s");
            List<String> block = param("block");
            if (block == null) {
                String candidates = String.join(", ", top.top().stream().map(e -> e.value() + " (" + e.count() + ")").toList());
                return "Nothing blocked: no --param block. Top client IPs behind 429s: " + (candidates.isEmpty() ? "none" : candidates) + ".";
            }
            return blockTable(waf().allowWide(param("allow-wide")).allowInternal(param("allow-internal")).block(block).changes(), top);
        })
    .verify("The chosen addresses are in the WAF blocklist", () -> {
            List<String> block = param("block");
            IpSetAddresses set = waf().addresses();
            return block == null || block.stream().allMatch(set::contains);
        })
    .timeout(seconds(30)).every(seconds(2));
