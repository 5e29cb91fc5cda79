package io.discordination.ops.registry;

import io.discordination.ops.Json;
import io.discordination.ops.OpsException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Saved plans and their approvals, in the registry: DynamoDB items when the environment has a
 * {@code registry:} section (plan: pk {@code plan#<id>}, sk {@code plan}; approval: pk
 * {@code plan#<id>}, sk {@code approval#<ARN>}), else one JSON file per plan under
 * {@code OPS_HOME/plans/}. Every change of state is conditional: a plan is saved once, goes
 * planned, applying, applied (or failed) once each, and is approved only while it is planned.
 *
 * <pre>{@code
 * Plans plans = context.registry().plans();
 * plans.save(plan);
 * plans.transition(plan.planId(), SavedPlan.PLANNED, SavedPlan.APPLYING, who, runId);
 * }</pre>
 */
public final class Plans {
    /** How long a plan's items stay in the table after it expires (DynamoDB TTL). */
    static final Duration KEPT = Duration.ofDays(90);

    private final Registry registry;

    Plans(Registry registry) {
        this.registry = registry;
    }

    /** Where the files of saved plans are: the review copy of each, and in local mode the plans themselves. */
    public Path directory() {
        return registry.opsHome().resolve("plans");
    }

    /** The review copy of {@code planId}: {@code OPS_HOME/plans/<id>.json}. */
    public Path file(String planId) {
        return directory().resolve(planId + ".json");
    }

    /** Records a new plan (refused if its id exists) and writes its review file. */
    public void save(SavedPlan plan) {
        if (registry.central()) {
            Map<String, AttributeValue> item = new HashMap<>(key(plan.planId(), "plan"));
            item.put("kind", s("plan"));
            item.put("at", s(plan.created().toString()));
            item.put("env", s(plan.environment()));
            item.put("runbook", s(plan.runbook()));
            item.put("operator", s(plan.operator()));
            item.put("state", s(plan.state()));
            item.put("fingerprint", s(plan.fingerprint()));
            item.put("expiresAt", n(plan.expires().toEpochMilli()));
            item.put("ttl", n(plan.expires().plus(KEPT).getEpochSecond()));
            item.put("body", s(Json.write(plan.withApprovals(List.of()))));
            try {
                dynamo().putItem(b -> b.tableName(registry.table()).item(item).conditionExpression("attribute_not_exists(pk)"));
            } catch (ConditionalCheckFailedException e) {
                throw OpsException.builder("A plan " + plan.planId() + " exists already").refused();
            }
        }
        writeFile(plan, !registry.central());
    }

    /** The plan {@code planId} with its approvals, if there is one in this environment's registry. */
    public Optional<SavedPlan> find(String planId) {
        if (!registry.central()) return readFile(file(planId));
        Map<String, AttributeValue> item = dynamo().getItem(b -> b.tableName(registry.table()).key(key(planId, "plan"))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) return Optional.empty();
        return Optional.of(fromItem(item).withApprovals(approvals(planId)));
    }

    /** This environment's plans, newest first, each with its approvals. */
    public List<SavedPlan> list(int limit) {
        List<SavedPlan> found = new ArrayList<>();
        if (!registry.central()) {
            if (!Files.isDirectory(directory())) return found;
            try (Stream<Path> files = Files.list(directory())) {
                files.filter(f -> f.getFileName().toString().endsWith(".json")).forEach(f -> readFile(f).ifPresent(found::add));
            } catch (IOException e) {
                throw OpsException.builder("Cannot list " + directory() + ": " + e.getMessage()).cause(e).build();
            }
            found.removeIf(p -> !registry.environment().equals(p.environment()));
            found.sort(Comparator.comparing(SavedPlan::created).reversed());
            return found.size() > limit ? found.subList(0, limit) : found;
        }
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo().query(b -> b.tableName(registry.table()).indexName("by-kind")
                    .keyConditionExpression("kind = :k").filterExpression("env = :e")
                    .expressionAttributeValues(Map.of(":k", s("plan"), ":e", s(registry.environment())))
                    .scanIndexForward(false).exclusiveStartKey(from));
            // the index holds the keys and kind/at; the plan itself is read whole
            for (Map<String, AttributeValue> item : page.items()) {
                if (found.size() >= limit) break;
                String id = item.get("pk").s().substring("plan#".length());
                find(id).ifPresent(found::add);
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && found.size() < limit);
        return found;
    }

    /**
     * Records {@code approval} of a planned plan (a second approval by the same identity replaces
     * its first); refused when the plan is no longer planned.
     */
    public void approve(SavedPlan plan, SavedPlan.Approval approval) {
        if (!registry.central()) {
            updateFile(plan.planId(), current -> {
                requireState(current, SavedPlan.PLANNED, "approved");
                List<SavedPlan.Approval> kept = new ArrayList<>(current.approvals());
                kept.removeIf(a -> a.approver().equals(approval.approver()));
                kept.add(approval);
                return current.withApprovals(kept);
            });
            return;
        }
        Map<String, AttributeValue> item = new HashMap<>(key(plan.planId(), "approval#" + approval.approver()));
        item.put("kind", s("approval"));
        item.put("at", s(approval.at().toString()));
        item.put("env", s(registry.environment()));
        item.put("planId", s(plan.planId()));
        item.put("approver", s(approval.approver()));
        item.put("fingerprint", s(approval.fingerprint()));
        item.put("expiresAt", n(approval.expires().toEpochMilli()));
        if (approval.osUser() != null) item.put("osUser", s(approval.osUser()));
        item.put("ttl", n(plan.expires().plus(KEPT).getEpochSecond()));
        try {
            dynamo().transactWriteItems(b -> b.transactItems(
                    t -> t.conditionCheck(c -> c.tableName(registry.table()).key(key(plan.planId(), "plan"))
                            .conditionExpression("#s = :planned").expressionAttributeNames(Map.of("#s", "state"))
                            .expressionAttributeValues(Map.of(":planned", s(SavedPlan.PLANNED)))),
                    t -> t.put(p -> p.tableName(registry.table()).item(item))));
        } catch (TransactionCanceledException e) {
            SavedPlan now = find(plan.planId()).orElse(plan);
            throw OpsException.builder("Plan " + plan.planId() + " is " + now.state() + ": it can no longer be approved")
                    .environment(registry.environment()).hint("nothing was recorded").refused();
        }
    }

    /**
     * Moves {@code planId} from state {@code from} to {@code to}, only if it is in {@code from} (and,
     * when leaving planned, unexpired); refused otherwise, saying what state it is in.
     */
    public SavedPlan transition(String planId, String from, String to, String by, String runId) {
        Instant now = Instant.now();
        if (!registry.central()) {
            return updateFile(planId, current -> {
                requireState(current, from, "applied");
                if (SavedPlan.PLANNED.equals(from) && current.expiredAt(now)) throw expired(current);
                return current.withState(to, by, now, runId);
            });
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":from", s(from));
        values.put(":to", s(to));
        values.put(":by", s(by == null ? "?" : by));
        values.put(":at", s(now.toString()));
        values.put(":run", s(runId == null ? "" : runId));
        String condition = "#s = :from";
        if (SavedPlan.PLANNED.equals(from)) {
            condition += " AND expiresAt > :now";
            values.put(":now", n(now.toEpochMilli()));
        }
        String cond = condition;
        try {
            dynamo().updateItem(b -> b.tableName(registry.table()).key(key(planId, "plan"))
                    .updateExpression("SET #s = :to, appliedBy = :by, appliedAt = :at, applyRunId = :run")
                    .conditionExpression(cond).expressionAttributeNames(Map.of("#s", "state")).expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            SavedPlan current = find(planId).orElseThrow(() -> notFound(planId));
            if (SavedPlan.PLANNED.equals(current.state()) && current.expiredAt(now)) throw expired(current);
            throw wrongState(current, "applied");
        }
        return find(planId).orElseThrow(() -> notFound(planId));
    }

    private List<SavedPlan.Approval> approvals(String planId) {
        List<SavedPlan.Approval> out = new ArrayList<>();
        QueryResponse r = dynamo().query(b -> b.tableName(registry.table()).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :a)")
                .expressionAttributeValues(Map.of(":pk", s("plan#" + planId), ":a", s("approval#"))));
        for (Map<String, AttributeValue> i : r.items()) {
            out.add(new SavedPlan.Approval(planId, i.get("approver").s(), i.get("fingerprint").s(), Instant.parse(i.get("at").s()),
                    Instant.ofEpochMilli(Long.parseLong(i.get("expiresAt").n())), i.containsKey("osUser") ? i.get("osUser").s() : null));
        }
        return out;
    }

    private static SavedPlan fromItem(Map<String, AttributeValue> item) {
        SavedPlan body;
        try {
            body = Json.mapper().readValue(item.get("body").s(), SavedPlan.class);
        } catch (IOException e) {
            throw OpsException.builder("The registry's plan item " + item.get("pk").s() + " cannot be read: " + e.getMessage()).cause(e).build();
        }
        String state = item.get("state").s();
        String by = item.containsKey("appliedBy") ? item.get("appliedBy").s() : null;
        Instant at = item.containsKey("appliedAt") ? Instant.parse(item.get("appliedAt").s()) : null;
        String run = item.containsKey("applyRunId") && !item.get("applyRunId").s().isEmpty() ? item.get("applyRunId").s() : null;
        return body.withState(state, by, at, run);
    }

    static void requireState(SavedPlan plan, String state, String verb) {
        if (!state.equals(plan.state())) throw wrongState(plan, verb);
    }

    private static OpsException wrongState(SavedPlan plan, String verb) {
        String how = switch (plan.state()) {
            case SavedPlan.APPLIED -> "was applied already" + by(plan);
            case SavedPlan.APPLYING -> "is being applied" + by(plan);
            case SavedPlan.FAILED -> "was applied and failed" + by(plan) + "; save a new plan";
            default -> "is " + plan.state();
        };
        return OpsException.builder("Plan " + plan.planId() + " " + how + ": it cannot be " + verb + " again")
                .environment(plan.environment()).hint("a plan is applied once; nothing was changed").refused();
    }

    private static String by(SavedPlan plan) {
        return (plan.appliedBy() == null ? "" : " by " + plan.appliedBy()) + (plan.appliedAt() == null ? "" : " at " + plan.appliedAt())
                + (plan.applyRunId() == null ? "" : " (run " + plan.applyRunId() + ")");
    }

    static OpsException expired(SavedPlan plan) {
        return OpsException.builder("Plan " + plan.planId() + " expired at " + plan.expires())
                .environment(plan.environment()).hint("save a new plan: ops plan " + plan.runbook() + " --save; nothing was changed").refused();
    }

    private static OpsException notFound(String planId) {
        return OpsException.builder("No plan " + planId).hint("ops plans lists them").invalidInput();
    }

    // --- local files ---

    private void writeFile(SavedPlan plan, boolean isStore) {
        try {
            Files.createDirectories(directory());
            Path target = file(plan.planId());
            Path tmp = directory().resolve("." + plan.planId() + ".tmp");
            Files.writeString(tmp, Json.writePretty(plan) + "\n", StandardCharsets.UTF_8);
            try {
                if (isStore && Files.exists(target)) throw OpsException.builder("A plan " + plan.planId() + " exists already").refused();
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw OpsException.builder("Cannot write the plan file " + file(plan.planId()) + ": " + e.getMessage())
                    .hint("check that OPS_HOME is writable").cause(e).build();
        }
    }

    private static Optional<SavedPlan> readFile(Path file) {
        if (!Files.isRegularFile(file)) return Optional.empty();
        try {
            return Optional.of(Json.mapper().readValue(Files.readString(file), SavedPlan.class));
        } catch (IOException e) {
            throw OpsException.builder("Cannot read the plan file " + file + ": " + e.getMessage()).cause(e).build();
        }
    }

    /** Reads, changes and rewrites a local plan under the directory's lock, so two processes change it one after the other. */
    private SavedPlan updateFile(String planId, java.util.function.UnaryOperator<SavedPlan> change) {
        try {
            Files.createDirectories(directory());
            try (FileChannel lock = FileChannel.open(directory().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lock.lock()) {
                SavedPlan current = readFile(file(planId)).orElseThrow(() -> notFound(planId));
                SavedPlan next = change.apply(current);
                writeFile(next, false);
                return next;
            }
        } catch (IOException e) {
            throw OpsException.builder("Cannot update the plan file " + file(planId) + ": " + e.getMessage()).cause(e).build();
        }
    }

    // --- DynamoDB ---

    private DynamoDbClient dynamo() {
        return registry.dynamo();
    }

    private static Map<String, AttributeValue> key(String planId, String sk) {
        return Map.of("pk", s("plan#" + planId), "sk", s(sk));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeValue n(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }
}
