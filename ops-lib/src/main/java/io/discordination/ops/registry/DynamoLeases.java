package io.discordination.ops.registry;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Leases as items of the registry table (docs/control-plane.md): pk {@code lease#<env>#<target>},
 * sk {@code lease}, kind {@code lease}, at = since; target, env, holder, host, runId, runbook, since,
 * expiresAt (epoch ms), token. Taking one is a single conditional UpdateItem that succeeds only when
 * no unexpired lease of another run exists, and sets {@code token = if_not_exists(token, 0) + 1}, so
 * the fencing token only grows. Renewal and release are conditional on holding the token; a
 * released or broken lease keeps its item (expiresAt 0), so the next token is higher still. Lease
 * items carry no TTL.
 *
 * <pre>{@code Leases leases = new DynamoLeases(registry::dynamo, registry.table(), registry.environment());}</pre>
 */
public final class DynamoLeases implements Leases {
    static final String KIND = "lease";
    private static final Pattern NAME = Pattern.compile("#(\\w+)");
    private static final String HELD_BY = "#runId = :runId AND #token = :token";

    private final Supplier<DynamoDbClient> dynamo;
    private final String table;
    private final String environment;

    public DynamoLeases(Supplier<DynamoDbClient> dynamo, String table, String environment) {
        this.dynamo = dynamo;
        this.table = table;
        this.environment = environment;
    }

    /** The key of {@code target}'s lease item in {@code environment}. */
    public static Map<String, AttributeValue> key(String environment, String target) {
        return Map.of("pk", s("lease#" + environment + "#" + target), "sk", s("lease"));
    }

    /**
     * The condition check that a write made with it proves {@code held} is still its run's: the lease
     * item names the run and its token. Another run's takeover (a higher token) or a break fails it.
     */
    public static TransactWriteItem conditionCheck(String table, Lease held) {
        return TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(key(held.environment(), held.target())).conditionExpression(HELD_BY)
                .expressionAttributeNames(names(HELD_BY))
                .expressionAttributeValues(Map.of(":runId", s(held.runId()), ":token", n(held.token()))).build()).build();
    }

    @Override
    public Lease take(String target, Claim claim, long expiresAtMs) {
        Instant since = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        String update = "SET #kind = :kind, #at = :at, #target = :target, #env = :env, #holder = :holder, #host = :host, "
                + "#runId = :runId, #runbook = :runbook, #since = :at, #expiresAt = :expiresAt, "
                + "#token = if_not_exists(#token, :zero) + :one";
        String condition = "attribute_not_exists(#pk) OR #expiresAt < :now OR #runId = :runId";
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":kind", s(KIND));
        values.put(":at", s(since.toString()));
        values.put(":target", s(target));
        values.put(":env", s(environment));
        values.put(":holder", s(claim.holder()));
        values.put(":host", s(claim.host()));
        values.put(":runId", s(claim.runId()));
        values.put(":runbook", s(claim.runbook()));
        values.put(":expiresAt", n(expiresAtMs));
        values.put(":zero", n(0));
        values.put(":one", n(1));
        values.put(":now", n(since.toEpochMilli()));
        try {
            var response = dynamo.get().updateItem(b -> b.tableName(table).key(key(environment, target))
                    .updateExpression(update).conditionExpression(condition)
                    .expressionAttributeNames(names(update, condition)).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return lease(response.attributes());
        } catch (ConditionalCheckFailedException held) {
            Lease holder = held.hasItem() && !held.item().isEmpty() ? lease(held.item()) : find(target).orElse(null);
            throw new Busy(holder);
        }
    }

    @Override
    public boolean renew(Lease held, long expiresAtMs) {
        String update = "SET #expiresAt = :expiresAt";
        try {
            dynamo.get().updateItem(b -> b.tableName(table).key(key(environment, held.target()))
                    .updateExpression(update).conditionExpression(HELD_BY)
                    .expressionAttributeNames(names(update, HELD_BY))
                    .expressionAttributeValues(Map.of(":expiresAt", n(expiresAtMs), ":runId", s(held.runId()),
                            ":token", n(held.token()))));
            return true;
        } catch (ConditionalCheckFailedException lost) {
            return false;
        }
    }

    @Override
    public void release(Lease held) {
        if (!renew(held, 0)) {
            // another run took it over, or it was broken: nothing of ours to let go
            return;
        }
    }

    @Override
    public Optional<Lease> find(String target) {
        var item = dynamo.get().getItem(b -> b.tableName(table).key(key(environment, target)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(lease(item));
    }

    @Override
    public Map<String, Lease> find(Collection<String> targets) {
        Map<String, Lease> found = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(new LinkedHashSet<>(targets));
        for (int from = 0; from < all.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = all.subList(from, Math.min(all.size(), from + 100)).stream()
                    .map(t -> key(environment, t)).toList();
            Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
            for (int attempt = 0; !request.isEmpty() && attempt < 5; attempt++) {
                Map<String, KeysAndAttributes> asked = request;
                var response = dynamo.get().batchGetItem(b -> b.requestItems(asked));
                response.responses().getOrDefault(table, List.of()).forEach(item -> {
                    Lease l = lease(item);
                    found.put(l.target(), l);
                });
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return found;
    }

    @Override
    public List<Lease> list() {
        List<Lease> leases = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        String keyCondition = "#kind = :kind";
        String filter = "#env = :env";
        do {
            Map<String, AttributeValue> from = start;
            QueryRequest.Builder q = QueryRequest.builder().tableName(table).indexName("by-kind")
                    .keyConditionExpression(keyCondition).filterExpression(filter)
                    .expressionAttributeNames(names(keyCondition, filter))
                    .expressionAttributeValues(Map.of(":kind", s(KIND), ":env", s(environment)));
            if (from != null) q.exclusiveStartKey(from);
            QueryResponse page = dynamo.get().query(q.build());
            page.items().forEach(item -> leases.add(lease(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        leases.sort(Comparator.comparing(Lease::target));
        return leases;
    }

    @Override
    public Optional<Lease> breakLease(String target) {
        String update = "SET #expiresAt = :zero, #token = #token + :one";
        String condition = "attribute_exists(#pk)";
        try {
            var response = dynamo.get().updateItem(b -> b.tableName(table).key(key(environment, target))
                    .updateExpression(update).conditionExpression(condition)
                    .expressionAttributeNames(names(update, condition))
                    .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1)))
                    .returnValues(ReturnValue.ALL_OLD));
            return Optional.of(lease(response.attributes()));
        } catch (ConditionalCheckFailedException unknown) {
            return Optional.empty();
        }
    }

    @Override
    public Fence fence(Collection<Lease> held) {
        List<TransactWriteItem> checks = held.stream().map(l -> conditionCheck(table, l)).toList();
        return () -> checks;
    }

    @Override
    public boolean expires() {
        return true;
    }

    @Override
    public String describe() {
        return "DynamoDB table " + table;
    }

    private static Lease lease(Map<String, AttributeValue> item) {
        String since = text(item, "since");
        return new Lease(text(item, "target"), text(item, "env"), text(item, "holder"), text(item, "host"), text(item, "runId"),
                text(item, "runbook"), since == null ? null : Instant.parse(since), number(item, "expiresAt"), number(item, "token"), 0);
    }

    /** {@code #name} → {@code name} for every name the expressions use: DynamoDB refuses names an expression does not use. */
    private static Map<String, String> names(String... expressions) {
        Map<String, String> names = new HashMap<>();
        for (String e : expressions) {
            Matcher m = NAME.matcher(e);
            while (m.find()) names.put(m.group(), m.group(1));
        }
        return names;
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value == null ? "" : value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
