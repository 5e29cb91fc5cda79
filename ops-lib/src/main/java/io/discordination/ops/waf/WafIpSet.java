package io.discordination.ops.waf;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.aws.AwsCommand;
import io.discordination.ops.aws.AwsErrors;
import io.discordination.ops.gate.Effect;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.GetIpSetResponse;
import software.amazon.awssdk.services.wafv2.model.Scope;
import software.amazon.awssdk.services.wafv2.model.WafOptimisticLockException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The WAFv2 IP set of blocked addresses ({@code waf.ipSet}): list, block, unblock. Updates are
 * read-modify-write with the set's lock token; when someone else changed the set in between
 * (WAFOptimisticLockException) the set is read again and the change re-applied, with jittered
 * backoff, so addresses others add at the same moment are never lost. Both verbs are idempotent.
 *
 * <pre>{@code waf().block("203.0.113.7");   // 203.0.113.7/32}</pre>
 */
public final class WafIpSet {
    /** Read-modify-write attempts before giving up on a set others keep changing. */
    static final int MAX_ATTEMPTS = 12;

    private final OpsContext context;
    private final String name;
    private final String id;
    private final Scope scope;
    private final AwsErrors aws;

    public WafIpSet(OpsContext context) {
        this.context = context;
        var env = context.environment();
        this.name = env.string("waf.ipSet.name");
        this.id = env.string("waf.ipSet.id");
        String s = env.optionalString("waf.ipSet.scope").orElse("REGIONAL").toUpperCase(Locale.ROOT);
        this.scope = Scope.fromValue(s);
        if (scope == Scope.UNKNOWN_TO_SDK_VERSION) {
            throw OpsException.builder("Invalid waf.ipSet.scope '" + s + "' in " + env.source())
                    .hint("use REGIONAL or CLOUDFRONT").invalidInput();
        }
        this.aws = AwsErrors.of(env, "wafv2");
    }

    public String name() {
        return name;
    }

    public String id() {
        return id;
    }

    private Wafv2Client waf() {
        return context.awsClient(Wafv2Client.class, Wafv2Client::builder);
    }

    private String where() {
        return "WAF IP set " + name + " (" + scope + ", id " + id + ")";
    }

    /** The set's addresses as stored ({@code aws wafv2 get-ip-set}). */
    public IpSetAddresses addresses() {
        GetIpSetResponse r = aws.call("wafv2:GetIPSet", where(), () -> waf().getIPSet(b -> b.name(name).scope(scope).id(id)));
        return new IpSetAddresses(r.ipSet().name(), r.ipSet().id(), scope.toString(), r.ipSet().ipAddressVersionAsString(),
                r.ipSet().description(), List.copyOf(r.ipSet().addresses()), r.lockToken());
    }

    /**
     * Adds {@code cidr} (a bare address gets /32 or /128) to the block list. Not destructive: it
     * is the mitigation, and {@link #unblock} undoes it. The range is validated before any call;
     * one already present changes nothing and says so.
     */
    public IpSetChange block(String cidr) {
        return change(Cidr.parse(cidr), true);
    }

    /**
     * Removes {@code cidr} from the block list. Destructive, so it is confirmed: it lets traffic
     * from that range back in while an attack may still be going on. Inverse: {@link #block}.
     */
    public IpSetChange unblock(String cidr) {
        return change(Cidr.parse(cidr), false);
    }

    private IpSetChange change(Cidr cidr, boolean add) {
        String action = add ? "block" : "unblock";
        IpSetAddresses before = addresses();
        requireVersion(before, cidr);
        if (before.contains(cidr.toString()) == add) {
            return new IpSetChange(name, cidr.toString(), action, false,
                    add ? "already blocked: nothing changed" : "not blocked: nothing changed", 1, before.size(), false);
        }
        Effect effect = Effect.on("aws", "waf ip set " + name).verb(action)
                .param("ipSet", name).param("scope", scope.toString()).param("id", id).param("address", cidr.toString())
                .destructive(!add)
                .inverse(command(cidr, !add))
                .command(command(cidr, add))
                .build();
        return context.gate().apply(effect, () -> update(cidr, add, before),
                () -> new IpSetChange(name, cidr.toString(), action, true, "would " + action, 0,
                        before.size() + (add ? 1 : -1), true));
    }

    private IpSetChange update(Cidr cidr, boolean add, IpSetAddresses firstRead) {
        String action = add ? "block" : "unblock";
        IpSetAddresses current = firstRead;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            if (attempt > 1) {
                backoff(attempt);
                current = addresses();
            }
            if (current.contains(cidr.toString()) == add) {
                // someone else made the same change while we retried
                return new IpSetChange(name, cidr.toString(), action, false,
                        add ? "already blocked by someone else: nothing changed" : "already unblocked by someone else",
                        attempt, current.size(), false);
            }
            List<String> next = new ArrayList<>();
            for (String a : current.addresses()) {
                if (!add && Cidr.isValid(a) && Cidr.parse(a).equals(cidr)) continue;
                next.add(a);
            }
            if (add) next.add(cidr.toString());
            String token = current.lockToken();
            String description = current.description();
            try {
                // UpdateIPSet replaces every mutable field: the description is carried over
                waf().updateIPSet(b -> b.name(name).scope(scope).id(id).addresses(next).lockToken(token)
                        .description(description));
                return new IpSetChange(name, cidr.toString(), action, true, add ? "blocked" : "unblocked", attempt,
                        next.size(), false);
            } catch (WafOptimisticLockException stale) {
                // another writer changed the set since we read it: read again and re-apply
            } catch (SdkException e) {
                throw aws.translate("wafv2:UpdateIPSet", where(), e);
            }
        }
        throw OpsException.builder("Could not " + action + " " + cidr + ": the IP set " + name + " changed under every one of "
                        + MAX_ATTEMPTS + " attempts")
                .service("wafv2").environment(context.environment().name()).resource(where())
                .hint("something else is updating it constantly; try again, and nothing was lost").build();
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

    /** The shell equivalent: read the current addresses and lock token, then write them back changed. */
    private String command(Cidr cidr, boolean add) {
        String get = "aws wafv2 get-ip-set --name " + AwsCommand.quote(name) + " --scope " + scope + " --id " + AwsCommand.quote(id);
        String current = "$(" + get + " --query 'IPSet.Addresses' --output text" + ")";
        String addresses = add ? current + " " + cidr
                : "$(" + get + " --query 'IPSet.Addresses' --output text | tr '\\t' '\\n' | grep -vx " + AwsCommand.quote(cidr.toString()) + ")";
        return AwsCommand.of("wafv2", "update-ip-set").option("--name", name).option("--scope", scope).option("--id", id)
                .optionRaw("--addresses", addresses)
                .optionRaw("--lock-token", "\"$(" + get + " --query LockToken --output text)\"").toString();
    }

    @Override
    public String toString() {
        return "waf ip set " + name + " (" + scope + ")";
    }
}
