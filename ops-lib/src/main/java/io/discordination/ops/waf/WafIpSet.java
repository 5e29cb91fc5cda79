package io.discordination.ops.waf;

import io.discordination.ops.HandleContext;
import io.discordination.ops.topology.WafTopology;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.text.ShellWords;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.Scope;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;
import software.amazon.awssdk.services.wafv2.model.WafUnavailableEntityException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The WAFv2 IP set of blocked addresses ({@code waf.ipSet}): list, check, block, unblock. All the
 * ranges of one call are written in one read-modify-write cycle with the set's lock token; when
 * someone else changed the set in between (WAFOptimisticLockException) the set is read again and
 * the change re-applied, with jittered backoff, so addresses others add at the same moment are
 * never lost. WAFUnavailableEntityException (the set is still being created or propagated) is
 * retried the same way. Both verbs are idempotent.
 *
 * <p>A block denies service to whoever is inside the range, so it is a destructive effect
 * (confirmed: y/N at a terminal, {@code --yes}, a protected environment's name), and a block list
 * that is wide or internal ({@link BlockPolicy}) is refused unless {@link #allowWide} or
 * {@link #allowInternal} say otherwise. The set's {@value #MAX_ADDRESSES}-address limit is checked
 * before anything is confirmed.
 *
 * <pre>{@code waf().block("203.0.113.7");   // 203.0.113.7/32}</pre>
 */
public final class WafIpSet {
    /**
     * {@link #block} and {@link #unblock}: the whole set written back with the addresses as they are after the
     * change and the lock token read with them (a stale token makes WAF refuse it, as it makes ops read again),
     * the description carried over because UpdateIPSet replaces every field.
     */
    public static final CommandTemplate UPDATE_IP_SET = CommandTemplate.of("aws wafv2 update-ip-set --name <name>"
            + " --scope <scope> --id <id> --addresses <addresses> --lock-token <lock_token> [--description <description>]");
    /** Read-modify-write attempts before giving up on a set others keep changing. */
    static final int MAX_ATTEMPTS = 12;
    /** The most addresses (CIDR ranges) one WAFv2 IP set holds, a quota AWS does not raise. */
    public static final int MAX_ADDRESSES = 10_000;

    private final WafTopology waf;
    private final Wafv2Client client;
    private final HandleContext context;
    private final String name;
    private final String id;
    private final Scope scope;
    private final AwsErrors aws;
    private final boolean allowWide;
    private final boolean allowInternal;

    /** The IP set of {@code waf.ipSet}. */
    public WafIpSet(WafTopology waf, Wafv2Client client, HandleContext context) {
        this(waf, client, context, false, false);
    }

    private WafIpSet(WafTopology waf, Wafv2Client client, HandleContext context, boolean allowWide, boolean allowInternal) {
        this.waf = waf;
        this.client = client;
        this.context = context;
        this.name = waf.ipSet().name().required();
        this.id = waf.ipSet().id().required();
        String s = waf.ipSet().scope().optional().orElse("REGIONAL").toUpperCase(Locale.ROOT);
        this.scope = Scope.fromValue(s);
        if (scope == Scope.UNKNOWN_TO_SDK_VERSION) {
            throw OpsException.builder("Invalid waf.ipSet.scope '" + s + "' in " + context.environment().source())
                    .hint("use REGIONAL or CLOUDFRONT").invalidInput();
        }
        this.aws = AwsErrors.of(context.environment(), "wafv2");
        this.allowWide = allowWide;
        this.allowInternal = allowInternal;
    }

    /** This set, letting blocks cover more than a /16 (IPv6: a /48) when {@code allow} is true. */
    public WafIpSet allowWide(boolean allow) {
        return new WafIpSet(waf, client, context, allow, allowInternal);
    }

    /** This set, letting blocks overlap private, loopback, link-local and the platform's ranges when {@code allow} is true. */
    public WafIpSet allowInternal(boolean allow) {
        return new WafIpSet(waf, client, context, allowWide, allow);
    }

    public String name() {
        return name;
    }

    public String id() {
        return id;
    }

    private Wafv2Client waf() {
        return client;
    }

    private String where() {
        return "WAF IP set " + name + " (" + scope + ", id " + id + ")";
    }

    /** The set's addresses as stored ({@code aws wafv2 get-ip-set}). */
    public IpSetAddresses addresses() {
        GetIpSetResponse r = retryingUnavailable("wafv2:GetIPSet", () -> waf().getIPSet(b -> b.name(name).scope(scope).id(id)));
        return new IpSetAddresses(r.ipSet().name(), r.ipSet().id(), scope.toString(), r.ipSet().ipAddressVersionAsString(),
                r.ipSet().description(), List.copyOf(r.ipSet().addresses()), r.lockToken());
    }

    /** The policy a block list of this handle is checked against, with the environment's {@code waf.platformRanges}. */
    public BlockPolicy policy() {
        List<Cidr> platform = new ArrayList<>();
        for (String range : waf.platformRanges().values()) {
            try {
                platform.add(Cidr.parse(range));
            } catch (OpsException.InvalidInputException e) {
                throw OpsException.builder("Invalid waf.platformRanges entry in " + context.environment().source() + ": " + e.getMessage())
                        .environment(context.environment().name()).hint("list the platform's own ranges as CIDRs").invalidInput();
            }
        }
        return new BlockPolicy(platform, allowWide, allowInternal);
    }

    /**
     * Checks a block list without changing anything: each range parses, the list passes the
     * {@link #policy()}, fits the set's address family, and the set has room for the new ones.
     * What {@link #block(List)} checks first, so a runbook can fail on it before it does anything.
     */
    public BlockCheck checkBlock(List<String> cidrs) {
        Prepared p = prepare(cidrs, true);
        return new BlockCheck(name, p.ranges().stream().map(Cidr::toString).toList(), p.toChange().stream().map(Cidr::toString).toList(),
                p.before().size(), MAX_ADDRESSES);
    }

    /**
     * Adds {@code cidr} (a bare address gets /32 or /128) to the block list: {@link #block(List)} of one.
     */
    public IpSetChange block(String cidr) {
        return block(List.of(cidr)).changes().get(0);
    }

    /**
     * Adds every range of {@code cidrs} to the block list in one UpdateIPSet. Checked before any
     * confirmation or change: every range is valid, the list passes the {@link #policy()}, and the
     * set stays within {@value #MAX_ADDRESSES} addresses. Ranges already present change nothing and
     * say so. Destructive (confirmed); the inverse is {@link #unblock}.
     */
    public IpSetChanges block(List<String> cidrs) {
        return change(prepare(cidrs, true), true);
    }

    /**
     * Removes {@code cidr} from the block list. Destructive, so it is confirmed: it lets traffic
     * from that range back in while an attack may still be going on. Inverse: {@link #block}.
     */
    public IpSetChange unblock(String cidr) {
        return unblock(List.of(cidr)).changes().get(0);
    }

    /** Removes every range of {@code cidrs} in one UpdateIPSet; destructive, like {@link #unblock(String)}. */
    public IpSetChanges unblock(List<String> cidrs) {
        return change(prepare(cidrs, false), false);
    }

    /** The ranges of one call, normalized and checked, the set as first read, and the ranges that would change it. */
    private record Prepared(List<Cidr> ranges, IpSetAddresses before, List<Cidr> toChange) {
    }

    private Prepared prepare(List<String> cidrs, boolean add) {
        if (cidrs == null || cidrs.isEmpty()) {
            throw OpsException.builder("No address to " + (add ? "block" : "unblock")).service("wafv2")
                    .hint("give one or more addresses or ranges, such as 203.0.113.7 or 198.51.100.0/24").invalidInput();
        }
        LinkedHashSet<Cidr> distinct = new LinkedHashSet<>();
        for (String c : cidrs) distinct.add(Cidr.parse(c));
        List<Cidr> ranges = List.copyOf(distinct);
        if (add) policy().check(ranges);
        IpSetAddresses before = addresses();
        for (Cidr c : ranges) requireVersion(before, c);
        Set<Cidr> present = present(before);
        List<Cidr> toChange = ranges.stream().filter(c -> present.contains(c) != add).toList();
        if (add) requireRoom(before.size(), toChange.size());
        return new Prepared(ranges, before, toChange);
    }

    /** The set's ranges, parsed once: lookups stay constant-time with 10,000 of them. */
    private static Set<Cidr> present(IpSetAddresses set) {
        Set<Cidr> out = new HashSet<>();
        for (String a : set.addresses()) {
            if (Cidr.isValid(a)) out.add(Cidr.parse(a));
        }
        return out;
    }

    private void requireRoom(int present, int adding) {
        if (present + adding <= MAX_ADDRESSES) return;
        throw OpsException.builder(String.format("The IP set %s holds %,d addresses; %,d more would make %,d, more than the %,d "
                                + "an IP set can hold", name, present, adding, present + adding, MAX_ADDRESSES))
                .service("wafv2").environment(context.environment().name()).resource(where())
                .hint("merge neighbouring addresses into ranges (such as one /24 for many addresses of it), block the rest in a "
                        + "second IP set referenced by the same web ACL rule, or use a rate-based rule for clients above a request "
                        + "rate; nothing was changed")
                .invalidInput();
    }

    private IpSetChanges change(Prepared p, boolean add) {
        String action = add ? "block" : "unblock";
        if (p.toChange().isEmpty()) {
            List<IpSetChange> none = p.ranges().stream().map(c -> unchanged(c, action, add ? "already blocked" : "not blocked", 1,
                    p.before().size())).toList();
            return new IpSetChanges(name, action, none, 1, p.before().size(), false, null);
        }
        List<String> changing = p.toChange().stream().map(Cidr::toString).toList();
        Set<Cidr> toChange = new HashSet<>(p.toChange());
        Effect effect = Effect.on("aws", "waf ip set " + name).verb(action)
                .param("ipSet", name).param("scope", scope.toString()).param("id", id)
                .param("addresses", String.join(",", changing)).param("count", changing.size())
                // the set's size after it, as the prompt and the plan show it
                .param("addressesAfter", p.before().size() + (add ? changing.size() : -changing.size()))
                // a block denies service to everyone in the range: confirmed as much as an unblock
                .destructive()
                .inverse(inverseCommand(p.toChange(), !add))
                .command(UPDATE_IP_SET.with("name", name).with("scope", scope.toString()).with("id", id)
                        .with("addresses", after(p.before(), p.toChange(), add)).with("lock_token", p.before().lockToken())
                        .with("description", p.before().description() == null || p.before().description().isEmpty()
                                ? null : p.before().description()))
                .build();
        return context.gate().apply(effect, () -> update(p, toChange, add, effect), () -> {
            List<IpSetChange> planned = p.ranges().stream().map(c -> toChange.contains(c)
                    ? new IpSetChange(name, c.toString(), action, true, "would " + action, 0,
                            p.before().size() + (add ? 1 : -1) * changing.size(), true, effect)
                    : unchanged(c, action, add ? "already blocked" : "not blocked", 0, p.before().size())).toList();
            return new IpSetChanges(name, action, planned, 0, p.before().size() + (add ? 1 : -1) * changing.size(), true, effect);
        }, done -> add ? undoOfBlock(done) : null);
    }

    private IpSetChange unchanged(Cidr c, String action, String why, int attempts, int size) {
        return new IpSetChange(name, c.toString(), action, false, why + ": nothing changed", attempts, size, false, null);
    }

    private IpSetChanges update(Prepared p, Set<Cidr> toChange, boolean add, Effect effect) {
        String action = add ? "block" : "unblock";
        IpSetAddresses current = p.before();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (attempt > 1) {
                backoff(attempt);
                current = addresses();
            }
            IpSetAddresses now = current;
            Set<Cidr> present = present(now);
            // others may have made part of the same change while we retried: only the rest is ours
            Set<Cidr> ours = new LinkedHashSet<>();
            for (Cidr c : p.toChange()) {
                if (present.contains(c) != add) ours.add(c);
            }
            List<String> next = new ArrayList<>();
            for (String a : now.addresses()) {
                if (!add && Cidr.isValid(a) && ours.contains(Cidr.parse(a))) continue;
                next.add(a);
            }
            if (add) {
                requireRoom(now.size(), ours.size());
                ours.forEach(c -> next.add(c.toString()));
            }
            int tries = attempt;
            if (!ours.isEmpty()) {
                String token = now.lockToken();
                String description = now.description();
                try {
                    // UpdateIPSet replaces every mutable field: the description is carried over
                    waf().updateIPSet(b -> b.name(name).scope(scope).id(id).addresses(next).lockToken(token).description(description));
                } catch (WafOptimisticLockException | WafUnavailableEntityException stale) {
                    // another writer changed the set since we read it, or it is not ready yet: read again and re-apply
                    continue;
                } catch (SdkException e) {
                    throw aws.translate("wafv2:UpdateIPSet", where(), e);
                }
            }
            List<IpSetChange> changes = p.ranges().stream().map(c -> ours.contains(c)
                    ? new IpSetChange(name, c.toString(), action, true, add ? "blocked" : "unblocked", tries, next.size(), false, effect)
                    : toChange.contains(c)
                    ? unchanged(c, action, add ? "already blocked by someone else" : "already unblocked by someone else", tries, next.size())
                    : unchanged(c, action, add ? "already blocked" : "not blocked", tries, next.size())).toList();
            return new IpSetChanges(name, action, changes, tries, next.size(), false, effect);
        }
        throw OpsException.builder("Could not " + action + " " + p.toChange().size() + " address(es): the IP set " + name
                        + " changed under every one of " + MAX_ATTEMPTS + " attempts")
                .service("wafv2").environment(context.environment().name()).resource(where())
                .hint("something else is updating it constantly; try again, and nothing was lost").build();
    }

    /** A read retried while WAF says the set is not available yet; other errors are translated at once. */
    private <T> T retryingUnavailable(String action, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (WafUnavailableEntityException e) {
                if (attempt >= MAX_ATTEMPTS) throw aws.translate(action, where(), e);
                backoff(attempt + 1);
            } catch (SdkException e) {
                throw aws.translate(action, where(), e);
            }
        }
    }

    private static void backoff(int attempt) {
        long cap = Math.min(2000, 50L << Math.min(attempt, 6));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(cap / 4, cap + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("Interrupted while retrying a WAF update", e);
        }
    }

    private void requireVersion(IpSetAddresses set, Cidr cidr) {
        String version = set.ipAddressVersion();
        if (version == null) return;
        if (cidr.ipv6() != "IPV6".equals(version)) {
            throw OpsException.builder("The IP set " + name + " holds " + version + " addresses; " + cidr + " is "
                            + (cidr.ipv6() ? "IPv6" : "IPv4"))
                    .service("wafv2").environment(context.environment().name())
                    .hint("block it in an IP set of its address family; nothing was changed").invalidInput();
        }
    }

    /** The set's addresses after adding or removing {@code toChange}, as {@link #update} writes them. */
    private static List<String> after(IpSetAddresses before, List<Cidr> toChange, boolean add) {
        Set<Cidr> changing = new HashSet<>(toChange);
        List<String> next = new ArrayList<>();
        for (String a : before.addresses()) {
            if (!add && Cidr.isValid(a) && changing.contains(Cidr.parse(a))) continue;
            next.add(a);
        }
        if (add) toChange.forEach(c -> next.add(c.toString()));
        return next;
    }

    /**
     * The inverse of a block that finished: unblock exactly the ranges it added, not those that
     * were there before it (or that others added at the same time); null when it added none.
     */
    private Effect undoOfBlock(IpSetChanges done) {
        List<Cidr> added = done.changes().stream().filter(IpSetChange::changed).map(c -> Cidr.parse(c.cidr())).toList();
        if (added.isEmpty()) return null;
        List<String> addresses = added.stream().map(Cidr::toString).toList();
        Effect.Builder b = Effect.on("aws", "waf ip set " + name).verb("unblock")
                .param("ipSet", name).param("scope", scope.toString()).param("id", id)
                .param("addresses", String.join(",", addresses)).param("count", addresses.size()).destructive()
                .inverse(inverseCommand(added, true));
        Effect e = b.build();
        return new Effect(e.system(), e.target(), e.verb(), e.parameters(), true, e.inverse(), inverseCommand(added, false), null);
    }

    /** The undo, which runs later: it reads the addresses and lock token of that time, then writes them back changed. */
    private String inverseCommand(List<Cidr> cidrs, boolean add) {
        String get = "aws wafv2 get-ip-set --name " + ShellWords.quote(name) + " --scope " + scope + " --id " + ShellWords.quote(id);
        String current = "$(" + get + " --query 'IPSet.Addresses' --output text" + ")";
        String listed = String.join(" ", cidrs.stream().map(c -> ShellWords.quote(c.toString())).toList());
        StringBuilder without = new StringBuilder();
        for (Cidr c : cidrs) without.append(" -e ").append(ShellWords.quote(c.toString()));
        String addresses = add ? current + " " + listed
                : "$(" + get + " --query 'IPSet.Addresses' --output text | tr '\\t' '\\n' | grep -vxF" + without + ")";
        return "aws wafv2 update-ip-set --name " + ShellWords.quote(name) + " --scope " + scope + " --id " + ShellWords.quote(id)
                + " --addresses " + addresses + " --lock-token \"$(" + get + " --query LockToken --output text)\"";
    }

    @Override
    public String toString() {
        return "waf ip set " + name + " (" + scope + ")";
    }
}
