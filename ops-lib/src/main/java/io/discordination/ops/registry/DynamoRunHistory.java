package io.discordination.ops.registry;

import io.discordination.ops.OpsException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Run history in the registry: one item per run in the DynamoDB table ({@code pk run#<runId>},
 * {@code sk run}, {@code kind run}, {@code at} = started, TTL 90 days), listed newest first by a
 * Query of the {@code by-kind} index (never a Scan), and each run's journal as one S3 object,
 * {@code <journalPrefix><runId>.jsonl} in the journal bucket.
 * <p>
 * A run's own writes are conditional on nobody having resumed it ({@code attribute_not_exists(resumedBy)}),
 * so a run that was paused past its heartbeat and taken over cannot overwrite its successor's
 * claim; with leases held they are one transaction with the {@link Fence}'s checks.
 *
 * <pre>{@code RunHistory runs = new DynamoRunHistory(context.registry());}</pre>
 */
public final class DynamoRunHistory implements RunHistory {
    /** How long run items are kept. */
    static final Duration KEPT = Duration.ofDays(90);
    /** Items one page of the listing asks for; a listing reads at most {@link #MAX_PAGES} pages. */
    private static final int PAGE = 100;
    private static final int MAX_PAGES = 20;
    private static final String NOT_RESUMED = "attribute_not_exists(resumedBy)";

    private final Registry registry;

    public DynamoRunHistory(Registry registry) {
        this.registry = registry;
    }

    @Override
    public boolean central() {
        return true;
    }

    static Map<String, AttributeValue> key(String runId) {
        return Map.of("pk", s("run#" + runId), "sk", s("run"));
    }

    @Override
    public Written record(RunRecord run, Fence fence) {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        values.put("kind", s("run"));
        values.put("at", s(RunRecord.sortable(run.started())));
        values.put("env", s(run.environment()));
        values.put("runbook", s(run.runbook()));
        values.put("operator", s(run.operator()));
        values.put("host", s(run.host()));
        values.put("home", s(run.home()));
        values.put("state", s(run.state()));
        values.put("step", s(run.step()));
        values.put("heartbeat", n(run.heartbeat() == null ? null : run.heartbeat().toEpochMilli()));
        values.put("heartbeatEvery", n(run.heartbeatEvery() == null ? null : run.heartbeatEvery().toMillis()));
        values.put("finished", s(run.finished() == null ? null : RunRecord.sortable(run.finished())));
        values.put("resumedFrom", s(run.resumedFrom()));
        values.put("exitCode", n(run.exitCode() == null ? null : run.exitCode().longValue()));
        values.put("ttl", n(run.started().plus(KEPT).getEpochSecond()));
        values.values().removeIf(v -> v == null);
        return update(run.runId(), values, fence);
    }

    @Override
    public Written heartbeat(String runId, Instant at, Fence fence) {
        return update(runId, Map.of("heartbeat", n(at.toEpochMilli())), fence);
    }

    /** SETs {@code values} on the run's item unless it was resumed, fenced when the run holds leases. */
    private Written update(String runId, Map<String, AttributeValue> values, Fence fence) {
        StringJoiner set = new StringJoiner(", ", "SET ", "");
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> bound = new HashMap<>();
        int i = 0;
        for (Map.Entry<String, AttributeValue> e : values.entrySet()) {
            // every name through a placeholder: state, step and ttl are reserved words
            names.put("#a" + i, e.getKey());
            bound.put(":v" + i, e.getValue());
            set.add("#a" + i + " = :v" + i);
            i++;
        }
        List<TransactWriteItem> conditions = fence == null ? List.of() : fence.conditions();
        DynamoDbClient dynamo = registry.dynamo();
        if (conditions.isEmpty()) {
            try {
                dynamo.updateItem(UpdateItemRequest.builder().tableName(registry.table()).key(key(runId))
                        .updateExpression(set.toString()).conditionExpression(NOT_RESUMED)
                        .expressionAttributeNames(names).expressionAttributeValues(bound).build());
                return Written.OK;
            } catch (ConditionalCheckFailedException e) {
                return Written.SUPERSEDED;
            }
        }
        List<TransactWriteItem> items = new ArrayList<>(conditions);
        items.add(TransactWriteItem.builder().update(Update.builder().tableName(registry.table()).key(key(runId))
                .updateExpression(set.toString()).conditionExpression(NOT_RESUMED)
                .expressionAttributeNames(names).expressionAttributeValues(bound).build()).build());
        try {
            dynamo.transactWriteItems(b -> b.transactItems(items));
            return Written.OK;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            boolean ownFailed = reasons.size() == items.size()
                    && "ConditionalCheckFailed".equals(reasons.get(reasons.size() - 1).code());
            boolean fenceFailed = reasons.stream().limit(conditions.size()).anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
            if (fenceFailed) return Written.FENCED;
            if (ownFailed) return Written.SUPERSEDED;
            throw e;
        }
    }

    @Override
    public List<RunRecord> list(Instant since, boolean active, int limit) {
        Map<String, String> names = new HashMap<>(Map.of("#k", "kind", "#e", "env"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":run", s("run"), ":env", s(registry.environment())));
        String keyCondition = "#k = :run";
        if (since != null) {
            keyCondition += " AND #at >= :since";
            names.put("#at", "at");
            values.put(":since", s(RunRecord.sortable(since)));
        }
        String filter = "#e = :env";
        if (active) {
            filter += " AND #s = :running";
            names.put("#s", "state");
            values.put(":running", s(RunRecord.RUNNING));
        }
        Instant now = Instant.now();
        List<RunRecord> runs = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        for (int page = 0; page < MAX_PAGES && runs.size() < limit; page++) {
            QueryRequest.Builder q = QueryRequest.builder().tableName(registry.table()).indexName("by-kind")
                    .keyConditionExpression(keyCondition).filterExpression(filter)
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .scanIndexForward(false).limit(PAGE);
            if (start != null) q.exclusiveStartKey(start);
            QueryResponse response = registry.dynamo().query(q.build());
            for (Map<String, AttributeValue> item : response.items()) {
                RunRecord run = fromItem(item);
                if (run != null && (!active || run.live(now)) && runs.size() < limit) runs.add(run);
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
            if (start == null) break;
        }
        return runs;
    }

    @Override
    public Optional<RunRecord> find(String runId) {
        Map<String, AttributeValue> item = registry.dynamo()
                .getItem(b -> b.tableName(registry.table()).key(key(runId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.ofNullable(fromItem(item));
    }

    @Override
    public void claimResume(String runId, String successor, String operator, String host, String home) {
        // a few rounds: a heartbeat or another claim between the read and the write changes what to say
        for (int attempt = 0; attempt < 3; attempt++) {
            Map<String, AttributeValue> item = registry.dynamo()
                    .getItem(b -> b.tableName(registry.table()).key(key(runId)).consistentRead(true)).item();
            RunRecord old = item == null || item.isEmpty() ? null : fromItem(item);
            Instant now = Instant.now();
            requireResumable(old, host, home, now);
            Map<String, String> names = new HashMap<>();
            Map<String, AttributeValue> values = new HashMap<>(Map.of(":by", s(successor), ":op", s(operator == null ? "unknown" : operator),
                    ":at", s(RunRecord.sortable(now)), ":host", s(host)));
            String set = "SET resumedBy = :by, resumedByOperator = :op, resumedAt = :at, resumedOnHost = :host";
            String condition = NOT_RESUMED;
            if (old != null && RunRecord.RUNNING.equals(old.state())) {
                // the run's process is gone: it will not say how it ended, so its record does
                set += ", #s = :interrupted";
                names.put("#s", "state");
                values.put(":interrupted", s(RunRecord.INTERRUPTED));
            }
            if (old != null && old.heartbeat() != null) {
                condition += " AND heartbeat = :seen";
                values.put(":seen", n(old.heartbeat().toEpochMilli()));
            } else if (old == null) {
                condition += " AND attribute_not_exists(pk)";
            }
            try {
                UpdateItemRequest.Builder u = UpdateItemRequest.builder().tableName(registry.table()).key(key(runId))
                        .updateExpression(set).conditionExpression(condition).expressionAttributeValues(values);
                if (!names.isEmpty()) u.expressionAttributeNames(names);
                registry.dynamo().updateItem(u.build());
                return;
            } catch (ConditionalCheckFailedException changed) {
                // read it again and say what happened
            }
        }
        throw OpsException.builder("run " + runId + " changed while it was being claimed for a resume; try again")
                .hint("ops runs shows who runs or resumes it; nothing was changed").refused();
    }

    @Override
    public void requireResumable(String runId, String host, String home) {
        requireResumable(find(runId).orElse(null), host, home, Instant.now());
    }

    private void requireResumable(RunRecord old, String host, String home, Instant now) {
        if (old == null) return;
        if (old.resumedBy() != null) refuseResumedAlready(old, now);
        boolean originGone = host.equals(old.host()) && home.equals(old.home());
        if (old.live(now) && !originGone) {
            throw OpsException.builder("run " + old.runId() + " is in progress right now on " + old.host() + " (" + old.operator()
                            + ", step " + (old.step() == null ? "-" : old.step()) + ", last heartbeat "
                            + Duration.between(old.heartbeat(), now).toSeconds() + " s ago); a run is run or resumed by one process at a time")
                    .hint("wait until it ends or its heartbeat stops (ops runs shows it stale), then resume it; nothing was changed").refused();
        }
    }

    private void refuseResumedAlready(RunRecord old, Instant now) {
        Optional<RunRecord> next = find(old.resumedBy());
        if (next.isPresent() && next.get().live(now) || next.isEmpty()) {
            throw OpsException.builder("run " + old.runId() + " is being resumed right now, by run " + old.resumedBy() + " ("
                            + old.resumedByOperator() + next.map(r -> " on " + r.host()).orElse("") + "); a run is resumed once")
                    .hint("ops runs shows it; nothing was changed").refused();
        }
        throw OpsException.builder("run " + old.runId() + " was resumed already, by run " + old.resumedBy() + " ("
                        + old.resumedByOperator() + "); a run is resumed once")
                .hint("resume the newer run instead: ops run " + old.runbook() + " --resume " + old.resumedBy()
                        + " (ops runs show " + old.resumedBy() + " shows what it did)").invalidInput();
    }

    @Override
    public void putJournal(String runId, byte[] content) {
        registry.s3().putObject(b -> b.bucket(bucket()).key(journalKey(runId)).contentType("application/x-ndjson"),
                RequestBody.fromBytes(content));
    }

    @Override
    public Optional<byte[]> journal(String runId) {
        try {
            return Optional.of(registry.s3().getObjectAsBytes(b -> b.bucket(bucket()).key(journalKey(runId))).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** Where the journal of {@code runId} is: {@code s3://bucket/prefix<runId>.jsonl}. */
    public String journalAddress(String runId) {
        return "s3://" + bucket() + "/" + journalKey(runId);
    }

    private String bucket() {
        return registry.topology().journalBucket().required();
    }

    private String journalKey(String runId) {
        return registry.topology().journalPrefixOrDefault() + runId + ".jsonl";
    }

    /** The record of a run item, or null when the item is no run (a claim on a run that never wrote one). */
    static RunRecord fromItem(Map<String, AttributeValue> item) {
        String pk = text(item, "pk");
        if (pk == null || !pk.startsWith("run#") || text(item, "at") == null) return null;
        Long heartbeat = number(item, "heartbeat");
        Long every = number(item, "heartbeatEvery");
        Long exit = number(item, "exitCode");
        String finished = text(item, "finished");
        return new RunRecord(pk.substring("run#".length()), text(item, "env"), text(item, "runbook"), text(item, "operator"),
                text(item, "host"), text(item, "home"), Instant.parse(text(item, "at")), text(item, "state"), text(item, "step"),
                heartbeat == null ? null : Instant.ofEpochMilli(heartbeat), every == null ? null : Duration.ofMillis(every),
                finished == null ? null : Instant.parse(finished), text(item, "resumedFrom"), text(item, "resumedBy"),
                text(item, "resumedByOperator"), exit == null ? null : exit.intValue());
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static Long number(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? null : Long.parseLong(v.n());
    }

    private static AttributeValue s(String value) {
        return value == null ? null : AttributeValue.fromS(value);
    }

    private static AttributeValue n(Long value) {
        return value == null ? null : AttributeValue.fromN(Long.toString(value));
    }
}
