package io.discordination.ops.registry;

import io.discordination.ops.OpsException;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Gate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code ops setup}: the control plane of one environment, checked and completed. {@link #inspect()}
 * reads what exists (read-only calls) and plans, resource by resource, what is in place, what is
 * missing, what differs from deploy/control-plane.yaml (TTL disabled, retention missing, versioning
 * off) and what cannot be put right without replacing something (a table with other keys);
 * {@link Plan#apply(Gate)} then creates and sets what is missing, one effect per resource through the
 * gate (confirmed, audited). Nothing is ever deleted or replaced, and a complete control plane
 * plans nothing, so a second run changes nothing.
 *
 * <pre>{@code
 * ControlPlaneSetup.Plan plan = new ControlPlaneSetup(context.registry(), region).inspect();
 * if (plan.conflicts().isEmpty()) plan.apply(context.gate());
 * }</pre>
 */
public final class ControlPlaneSetup {
    /** The template's default retention of the audit trail. */
    public static final int DEFAULT_RETENTION_DAYS = 400;
    public static final String INDEX = "by-kind";
    public static final String TTL_ATTRIBUTE = "ttl";
    private static final Duration ACTIVE_TIMEOUT = Duration.ofMinutes(5);

    /** How one part of the control plane stands. */
    public enum State {
        /** In place as the contract wants it. */
        OK,
        /** Not there: setup creates it. */
        MISSING,
        /** There, but a setting differs: setup sets it. */
        DIFFERS,
        /** There, and it cannot be put right without replacing it: setup stops and changes nothing. */
        CONFLICT
    }

    /**
     * One line of the plan.
     *
     * @param resource what it is ({@code dynamodb table}, {@code time to live}, {@code log group}, ...)
     * @param name     its name or setting
     * @param state    how it stands
     * @param found    what exists now, in words
     * @param action   what setup does about it, or null when nothing
     */
    public record Item(String resource, String name, State state, String found, String action) {
    }

    /** The effect that completes one resource (the table, the log group, the bucket), and its code. */
    private record Step(Effect effect, Gate.Action<Void> action, boolean createsTrail) {
        Step(Effect effect, Gate.Action<Void> action) {
            this(effect, action, false);
        }
    }

    private static Effect.Builder withParams(Effect.Builder builder, Map<String, Object> params) {
        params.forEach(builder::param);
        return builder;
    }

    private final Registry registry;
    private final String region;
    private final int retentionDays;

    public ControlPlaneSetup(Registry registry, String region) {
        this(registry, region, DEFAULT_RETENTION_DAYS);
    }

    public ControlPlaneSetup(Registry registry, String region, int retentionDays) {
        if (!registry.central()) {
            throw OpsException.builder("environment " + registry.environment() + " has no registry: section; there is no control plane to set up")
                    .environment(registry.environment())
                    .hint("add registry: (table, auditLogGroup, journalBucket, journalPrefix) to its file; see docs/control-plane.md").invalidInput();
        }
        this.registry = registry;
        this.region = region;
        this.retentionDays = retentionDays;
    }

    /** What exists and what setup would do: the plan, nothing changed yet. */
    public Plan inspect() {
        String table = registry.table();
        String group = required(registry.topology().auditLogGroup().optional(), "registry.auditLogGroup");
        String bucket = required(registry.topology().journalBucket().optional(), "registry.journalBucket");
        List<Item> items = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        table(registry.dynamo(), table, items, steps);
        logGroup(registry.logs(), group, items, steps);
        bucket(registry.s3(), bucket, registry.topology().journalPrefixOrDefault(), items, steps);
        // the audit trail first: the records of the other changes can then go to it
        steps.sort(java.util.Comparator.comparing((Step st) -> !st.createsTrail()));
        return new Plan(registry.environment(), table, group, bucket, registry.topology().journalPrefixOrDefault(), items, steps);
    }

    private String required(java.util.Optional<String> value, String setting) {
        return value.orElseThrow(() -> OpsException.builder("environment " + registry.environment() + " has registry.table but no " + setting)
                .environment(registry.environment()).hint("the registry: section needs table, auditLogGroup and journalBucket").invalidInput());
    }

    /** The plan of one environment's control plane; {@link #apply} carries it out. */
    public static final class Plan {
        private final String environment;
        private final String table;
        private final String auditLogGroup;
        private final String journalBucket;
        private final String journalPrefix;
        private final List<Item> items;
        private final List<Step> steps;

        private Plan(String environment, String table, String auditLogGroup, String journalBucket, String journalPrefix,
                     List<Item> items, List<Step> steps) {
            this.environment = environment;
            this.table = table;
            this.auditLogGroup = auditLogGroup;
            this.journalBucket = journalBucket;
            this.journalPrefix = journalPrefix;
            this.items = List.copyOf(items);
            this.steps = List.copyOf(steps);
        }

        public String environment() {
            return environment;
        }

        public String table() {
            return table;
        }

        public String auditLogGroup() {
            return auditLogGroup;
        }

        public String journalBucket() {
            return journalBucket;
        }

        public String journalPrefix() {
            return journalPrefix;
        }

        public List<Item> items() {
            return items;
        }

        /** True when everything is in place: nothing to do. */
        public boolean complete() {
            return items.stream().allMatch(i -> i.state() == State.OK);
        }

        /** The parts that setup cannot put right (it then changes nothing). */
        public List<Item> conflicts() {
            return items.stream().filter(i -> i.state() == State.CONFLICT).toList();
        }

        /** The effects {@link #apply} would hand to the gate, one per resource. */
        public List<Effect> effects() {
            return steps.stream().map(Step::effect).toList();
        }

        /**
         * Creates and sets what the plan found missing or different, one effect per resource through
         * {@code gate}; returns the effects applied. Refused (nothing changed) when a part conflicts.
         */
        public List<Effect> apply(Gate gate) {
            return apply(gate, null);
        }

        /**
         * {@link #apply(Gate)} for an environment that requires its central audit trail
         * ({@code audit.requireCentral}) while that trail's log group does not exist yet: the gate
         * would refuse every destructive effect, the one that creates the trail too. That effect is
         * then confirmed by {@code confirmFirst} (the gate's own confirmer: same prompt, same
         * protected-environment name) and handed to the gate as a non-destructive one; its records
         * wait in the local spool and are shipped as soon as the group exists, before the next effect.
         * A refusal there is audited by the gate. Null {@code confirmFirst}: as {@link #apply(Gate)}.
         */
        public List<Effect> apply(Gate gate, java.util.function.Function<Effect, io.discordination.ops.gate.Confirmer.Decision> confirmFirst) {
            if (!conflicts().isEmpty()) {
                Item first = conflicts().get(0);
                throw OpsException.builder("the control plane of " + environment + " cannot be completed: " + first.resource() + " "
                                + first.name() + ": " + first.found())
                        .environment(environment).hint(first.action() + "; nothing was changed").refused();
            }
            List<Effect> applied = new ArrayList<>();
            for (Step step : steps) {
                Effect effect = step.effect();
                if (step.createsTrail() && confirmFirst != null) {
                    io.discordination.ops.gate.Confirmer.Decision decision = confirmFirst.apply(effect);
                    if (!decision.approved()) throw gate.refuse(effect, decision.reason());
                    effect = new Effect(effect.system(), effect.target(), effect.verb(), effect.parameters(), false,
                            effect.inverse(), effect.command(), effect.template());
                }
                gate.apply(effect, step.action(), () -> null);
                applied.add(effect);
            }
            return applied;
        }
    }

    // --- the table ---------------------------------------------------------------------------------------

    private static final CommandTemplate CREATE_TABLE = CommandTemplate.of("aws dynamodb create-table --table-name <table>"
            + " --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S"
            + " AttributeName=kind,AttributeType=S AttributeName=at,AttributeType=S"
            + " --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE --billing-mode PAY_PER_REQUEST"
            + " --global-secondary-indexes 'IndexName=by-kind,KeySchema=[{AttributeName=kind,KeyType=HASH},{AttributeName=at,KeyType=RANGE}],Projection={ProjectionType=ALL}'"
            + " && aws dynamodb wait table-exists --table-name <table>");
    private static final String CREATE_INDEX = "aws dynamodb update-table --table-name <table>"
            + " --attribute-definitions AttributeName=kind,AttributeType=S AttributeName=at,AttributeType=S"
            + " --global-secondary-index-updates 'Create={IndexName=by-kind,KeySchema=[{AttributeName=kind,KeyType=HASH},{AttributeName=at,KeyType=RANGE}],Projection={ProjectionType=ALL}}'";
    private static final String ENABLE_TTL = "aws dynamodb update-time-to-live --table-name <table>"
            + " --time-to-live-specification Enabled=true,AttributeName=ttl";
    private static final String ENABLE_PITR = "aws dynamodb update-continuous-backups --table-name <table>"
            + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true";

    private void table(DynamoDbClient dynamo, String table, List<Item> items, List<Step> steps) {
        TableDescription found;
        try {
            found = dynamo.describeTable(r -> r.tableName(table)).table();
        } catch (ResourceNotFoundException missing) {
            found = null;
        } catch (AwsServiceException e) {
            throw unreadable("DynamoDB table " + table, e);
        }
        List<String> commands = new ArrayList<>();
        Map<String, Object> changes = new LinkedHashMap<>();
        boolean create = found == null;
        boolean createIndex = false;
        boolean enableTtl;
        boolean enablePitr;
        if (create) {
            items.add(new Item("dynamodb table", table, State.MISSING, "none", "create: pk (S) HASH, sk (S) RANGE, on demand"));
            items.add(new Item("  index", INDEX, State.MISSING, "none", "create with the table: kind (S) HASH, at (S) RANGE"));
            items.add(new Item("  time to live", TTL_ATTRIBUTE, State.MISSING, "none", "enable on ttl"));
            items.add(new Item("  point-in-time recovery", "", State.MISSING, "none", "enable"));
            commands.add(CREATE_TABLE.text());
            changes.put("create", "table pk/sk, on demand, index by-kind kind/at");
            enableTtl = true;
            enablePitr = true;
        } else {
            Map<String, String> types = found.attributeDefinitions().stream()
                    .collect(Collectors.toMap(AttributeDefinition::attributeName, AttributeDefinition::attributeTypeAsString));
            String keys = keys(found.keySchema(), types);
            boolean keysRight = keys.equals("pk (S) HASH, sk (S) RANGE");
            String billing = found.billingModeSummary() == null ? "provisioned" : found.billingModeSummary().billingModeAsString();
            items.add(new Item("dynamodb table", table, keysRight ? State.OK : State.CONFLICT,
                    keys + ", " + (BillingMode.PAY_PER_REQUEST.toString().equals(billing) ? "on demand" : billing.toLowerCase(java.util.Locale.ROOT)),
                    keysRight ? null : "the registry needs pk (S) HASH, sk (S) RANGE: use another registry.table, or move this table's items away"));
            GlobalSecondaryIndexDescription index = found.globalSecondaryIndexes() == null ? null
                    : found.globalSecondaryIndexes().stream().filter(i -> INDEX.equals(i.indexName())).findFirst().orElse(null);
            if (index == null) {
                boolean clash = (types.containsKey("kind") && !"S".equals(types.get("kind"))) || (types.containsKey("at") && !"S".equals(types.get("at")));
                items.add(new Item("  index", INDEX, clash ? State.CONFLICT : State.MISSING, "none",
                        clash ? "the table defines kind or at with another type than S" : "create: kind (S) HASH, at (S) RANGE"));
                createIndex = !clash;
            } else {
                String indexKeys = keys(index.keySchema(), types);
                boolean right = indexKeys.equals("kind (S) HASH, at (S) RANGE");
                items.add(new Item("  index", INDEX, right ? State.OK : State.CONFLICT, indexKeys,
                        right ? null : "the registry needs by-kind on kind (S) HASH, at (S) RANGE: delete that index, then run ops setup again"));
            }
            if (createIndex) {
                commands.add(CREATE_INDEX);
                changes.put("index", "by-kind kind/at");
            }
            var ttl = dynamo.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
            String status = ttl == null || ttl.timeToLiveStatus() == null ? "DISABLED" : ttl.timeToLiveStatusAsString();
            String attribute = ttl == null ? null : ttl.attributeName();
            switch (status) {
                case "ENABLED", "ENABLING" -> {
                    boolean right = TTL_ATTRIBUTE.equals(attribute);
                    items.add(new Item("  time to live", TTL_ATTRIBUTE, right ? State.OK : State.CONFLICT,
                            status.toLowerCase(java.util.Locale.ROOT) + " on " + attribute,
                            right ? null : "the registry's items expire by ttl: disable time to live on " + attribute
                                    + " (aws dynamodb update-time-to-live), wait for it, then run ops setup again"));
                    enableTtl = false;
                }
                case "DISABLING" -> {
                    items.add(new Item("  time to live", TTL_ATTRIBUTE, State.CONFLICT, "being disabled on " + attribute,
                            "DynamoDB takes up to an hour to disable time to live: run ops setup again then"));
                    enableTtl = false;
                }
                default -> {
                    items.add(new Item("  time to live", TTL_ATTRIBUTE, State.DIFFERS, "disabled", "enable on ttl"));
                    enableTtl = true;
                }
            }
            String pitr = dynamo.describeContinuousBackups(r -> r.tableName(table)).continuousBackupsDescription()
                    .pointInTimeRecoveryDescription().pointInTimeRecoveryStatusAsString();
            enablePitr = !"ENABLED".equals(pitr);
            items.add(new Item("  point-in-time recovery", "", enablePitr ? State.DIFFERS : State.OK,
                    pitr == null ? "disabled" : pitr.toLowerCase(java.util.Locale.ROOT), enablePitr ? "enable" : null));
        }
        if (enableTtl) {
            commands.add(ENABLE_TTL);
            changes.put("timeToLive", TTL_ATTRIBUTE);
        }
        if (enablePitr) {
            commands.add(ENABLE_PITR);
            changes.put("pointInTimeRecovery", "enabled");
        }
        if (commands.isEmpty()) return;
        boolean addIndex = createIndex;
        boolean ttlOn = enableTtl;
        boolean pitrOn = enablePitr;
        Effect effect = withParams(Effect.on("aws", "dynamodb table " + table).verb(create ? "create" : "complete"), changes)
                .command(CommandTemplate.of(String.join(" && ", commands)).with("table", table)).destructive()
                .inverse(create ? "aws dynamodb delete-table --table-name " + table + " (by hand: it holds the team's runs and leases)" : null)
                .build();
        steps.add(new Step(effect, () -> {
            if (create) {
                dynamo.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                        .attributeDefinitions(attribute("pk"), attribute("sk"), attribute("kind"), attribute("at"))
                        .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                        .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(INDEX)
                                .keySchema(key("kind", KeyType.HASH), key("at", KeyType.RANGE))
                                .projection(p -> p.projectionType(ProjectionType.ALL)).build()));
                awaitActive(dynamo, table);
            }
            if (addIndex) {
                dynamo.updateTable(r -> r.tableName(table).attributeDefinitions(attribute("kind"), attribute("at"))
                        .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName(INDEX)
                                .keySchema(key("kind", KeyType.HASH), key("at", KeyType.RANGE))
                                .projection(p -> p.projectionType(ProjectionType.ALL)))));
                awaitActive(dynamo, table);
            }
            if (ttlOn) dynamo.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(t -> t.enabled(true).attributeName(TTL_ATTRIBUTE)));
            if (pitrOn) dynamo.updateContinuousBackups(r -> r.tableName(table)
                    .pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
            return null;
        }));
    }

    private static String keys(List<KeySchemaElement> schema, Map<String, String> types) {
        return schema.stream().map(k -> k.attributeName() + " (" + types.getOrDefault(k.attributeName(), "?") + ") " + k.keyTypeAsString())
                .collect(Collectors.joining(", "));
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    /** Waits until the table (and its indexes) can be updated: a new table is CREATING for a while in AWS. */
    private static void awaitActive(DynamoDbClient dynamo, String table) throws InterruptedException {
        long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
        while (true) {
            TableDescription t = dynamo.describeTable(r -> r.tableName(table)).table();
            boolean indexesActive = t.globalSecondaryIndexes() == null || t.globalSecondaryIndexes().stream()
                    .allMatch(i -> i.indexStatus() == null || "ACTIVE".equals(i.indexStatusAsString()));
            if (t.tableStatus() == TableStatus.ACTIVE && indexesActive) return;
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table " + table + " is still " + t.tableStatusAsString() + " after " + ACTIVE_TIMEOUT.toMinutes()
                        + " minutes; run ops setup again when it is ACTIVE");
            }
            Thread.sleep(1000);
        }
    }

    // --- the log group -----------------------------------------------------------------------------------

    private static final String CREATE_LOG_GROUP = "aws logs create-log-group --log-group-name <group>";
    private static final String PUT_RETENTION = "aws logs put-retention-policy --log-group-name <group> --retention-in-days <days>";

    private void logGroup(CloudWatchLogsClient logs, String group, List<Item> items, List<Step> steps) {
        LogGroup found;
        try {
            found = logs.describeLogGroups(r -> r.logGroupNamePrefix(group)).logGroups().stream()
                    .filter(g -> group.equals(g.logGroupName())).findFirst().orElse(null);
        } catch (AwsServiceException e) {
            throw unreadable("log group " + group, e);
        }
        boolean create = found == null;
        boolean retention = create || found.retentionInDays() == null;
        if (create) {
            items.add(new Item("log group", group, State.MISSING, "none", "create"));
            items.add(new Item("  retention", "", State.MISSING, "none", "set " + retentionDays + " days"));
        } else {
            items.add(new Item("log group", group, State.OK, "exists", null));
            items.add(new Item("  retention", "", retention ? State.DIFFERS : State.OK,
                    retention ? "none: records never expire" : found.retentionInDays() + " days", retention ? "set " + retentionDays + " days" : null));
        }
        if (!retention) return;
        List<String> commands = new ArrayList<>();
        if (create) commands.add(CREATE_LOG_GROUP);
        commands.add(PUT_RETENTION);
        Effect effect = Effect.on("aws", "logs group " + group).verb(create ? "create" : "complete")
                .param("retentionInDays", retentionDays)
                .command(CommandTemplate.of(String.join(" && ", commands)).with("group", group).with("days", retentionDays)).destructive()
                .build();
        steps.add(new Step(effect, () -> {
            if (create) logs.createLogGroup(r -> r.logGroupName(group));
            logs.putRetentionPolicy(r -> r.logGroupName(group).retentionInDays(retentionDays));
            return null;
        }, create));
    }

    // --- the bucket --------------------------------------------------------------------------------------

    private static final String CREATE_BUCKET = "aws s3api create-bucket --bucket <bucket> [--create-bucket-configuration LocationConstraint=<region>]";
    private static final String PUT_VERSIONING = "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled";
    private static final String PUT_BLOCK = "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration"
            + " BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true";
    private static final String PUT_ENCRYPTION = "aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration"
            + " '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"}}]}'";

    private void bucket(S3Client s3, String bucket, String prefix, List<Item> items, List<Step> steps) {
        boolean create;
        try {
            s3.headBucket(r -> r.bucket(bucket));
            create = false;
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404) {
                create = true;
            } else if (e.statusCode() == 403) {
                items.add(new Item("s3 bucket", bucket, State.CONFLICT, "exists, and this identity may not read it (403)",
                        "bucket names are global: it may be another account's; set registry.journalBucket (OPS_JOURNAL_BUCKET) to another name"));
                return;
            } else {
                throw unreadable("S3 bucket " + bucket, e);
            }
        }
        boolean versioning;
        boolean block;
        boolean encryption;
        if (create) {
            items.add(new Item("s3 bucket", bucket, State.MISSING, "none", "create"));
            items.add(new Item("  versioning", "", State.MISSING, "none", "enable"));
            items.add(new Item("  public access block", "", State.MISSING, "none", "block all public access"));
            items.add(new Item("  default encryption", "", State.MISSING, "none", "SSE-S3 (AES256)"));
            items.add(new Item("  prefix", prefix, State.MISSING, "none", "none needed: S3 has no folders, the first journal makes it"));
            versioning = block = encryption = true;
        } else {
            items.add(new Item("s3 bucket", bucket, State.OK, "exists", null));
            String status = s3.getBucketVersioning(r -> r.bucket(bucket)).statusAsString();
            versioning = !BucketVersioningStatus.ENABLED.toString().equals(status);
            items.add(new Item("  versioning", "", versioning ? State.DIFFERS : State.OK, status == null ? "never enabled" : status.toLowerCase(java.util.Locale.ROOT),
                    versioning ? "enable" : null));
            PublicAccessBlockConfiguration config;
            try {
                config = s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
            } catch (AwsServiceException e) {
                if (e.statusCode() != 404) throw unreadable("the public access block of " + bucket, e);
                config = null;
            }
            block = config == null || !Boolean.TRUE.equals(config.blockPublicAcls()) || !Boolean.TRUE.equals(config.ignorePublicAcls())
                    || !Boolean.TRUE.equals(config.blockPublicPolicy()) || !Boolean.TRUE.equals(config.restrictPublicBuckets());
            items.add(new Item("  public access block", "", block ? (config == null ? State.MISSING : State.DIFFERS) : State.OK,
                    config == null ? "none" : block ? "partly" : "all public access blocked", block ? "block all public access" : null));
            String algorithm;
            try {
                algorithm = s3.getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules().stream()
                        .map(rule -> rule.applyServerSideEncryptionByDefault() == null ? null : rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString())
                        .filter(a -> a != null).findFirst().orElse(null);
            } catch (AwsServiceException e) {
                if (e.statusCode() != 404) throw unreadable("the default encryption of " + bucket, e);
                algorithm = null;
            }
            encryption = algorithm == null;
            items.add(new Item("  default encryption", "", encryption ? State.MISSING : State.OK, encryption ? "none" : algorithm,
                    encryption ? "SSE-S3 (AES256)" : null));
            int journals = s3.listObjectsV2(r -> r.bucket(bucket).prefix(prefix).maxKeys(1)).keyCount();
            items.add(new Item("  prefix", prefix, State.OK, journals == 0 ? "no journals yet" : "has journals", null));
        }
        if (!(create || versioning || block || encryption)) return;
        List<String> commands = new ArrayList<>();
        Map<String, Object> changes = new LinkedHashMap<>();
        if (create) commands.add(CREATE_BUCKET);
        if (versioning) {
            commands.add(PUT_VERSIONING);
            changes.put("versioning", "Enabled");
        }
        if (block) {
            commands.add(PUT_BLOCK);
            changes.put("publicAccess", "blocked");
        }
        if (encryption) {
            commands.add(PUT_ENCRYPTION);
            changes.put("encryption", "AES256");
        }
        boolean makeIt = create;
        boolean versioningOn = versioning;
        boolean blockOn = block;
        boolean encryptionOn = encryption;
        String constraint = "us-east-1".equals(region) ? null : region;
        Effect effect = withParams(Effect.on("aws", "s3 bucket " + bucket).verb(makeIt ? "create" : "complete"), changes)
                .command(CommandTemplate.of(String.join(" && ", commands)).with("bucket", bucket).with("region", constraint)).destructive()
                .build();
        steps.add(new Step(effect, () -> {
            if (makeIt) {
                s3.createBucket(r -> {
                    r.bucket(bucket);
                    if (constraint != null) r.createBucketConfiguration(c -> c.locationConstraint(constraint));
                });
            }
            if (versioningOn) s3.putBucketVersioning(r -> r.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
            if (blockOn) s3.putPublicAccessBlock(r -> r.bucket(bucket).publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                    .ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true)));
            if (encryptionOn) s3.putBucketEncryption(r -> r.bucket(bucket).serverSideEncryptionConfiguration(c -> c.rules(rule -> rule
                    .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256)))));
            return null;
        }));
    }

    private OpsException unreadable(String what, AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return OpsException.builder("Cannot read " + what + " of environment " + registry.environment() + ": "
                        + (code == null ? "HTTP " + e.statusCode() : code) + ": " + e.getMessage())
                .environment(registry.environment()).hint("ops setup needs the rights to describe and create the control plane's resources "
                        + "(neither discordination-ops policy gives them); see docs/control-plane.md").cause(e).build();
    }
}
