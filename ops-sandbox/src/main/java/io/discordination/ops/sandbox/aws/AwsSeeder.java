package io.discordination.ops.sandbox.aws;

import io.discordination.ops.sandbox.SeedData;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LogConfiguration;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.wafv2.model.IPAddressVersion;
import software.amazon.awssdk.services.wafv2.model.Scope;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Seeds moto with production's names and realistic recent activity: network, ECS cluster,
 * services and task definitions, log groups with the last hour of events, the RDS instance and
 * its snapshots, gateway memory metrics, the versioned bucket with a deleted attachment, the WAF
 * IP set, the secrets, and the team's control plane (deploy/control-plane.yaml, see {@link ControlPlane}). Resources with ids are created in a fixed order after moto's random
 * seed is fixed, so the same ids come back after every reset.
 *
 * <pre>{@code AwsSeed ids = new AwsSeeder(aws, dbPassword, Clock.systemUTC()).seed();}</pre>
 */
public final class AwsSeeder {
    private static final String IMAGE_API = SeedData.ACCOUNT_ID + ".dkr.ecr.us-east-1.amazonaws.com/discordination/api:2026.11.28-3f9c2ab";
    private static final String IMAGE_GATEWAY = SeedData.ACCOUNT_ID + ".dkr.ecr.us-east-1.amazonaws.com/discordination/gateway:2026.11.28-3f9c2ab";
    private static final String IMAGE_CLEANUP = SeedData.ACCOUNT_ID + ".dkr.ecr.us-east-1.amazonaws.com/discordination/cleanup:latest";
    private static final String EXECUTION_ROLE = "arn:aws:iam::" + SeedData.ACCOUNT_ID + ":role/discordination-ecs-execution";
    private static final DateTimeFormatter SNAPSHOT_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final AwsClients aws;
    private final String dbPassword;
    private final Clock clock;
    /** One generator per seed part, so parts seeded in parallel still get the same data every time. */
    private final Random random = new Random(20261129L);
    private final Random logRandom = new Random(20261130L);
    private final Random metricRandom = new Random(20261131L);
    private final Random bucketRandom = new Random(20261201L);

    private final ExecutorService pool = Executors.newFixedThreadPool(3, r -> {
        Thread t = new Thread(r, "aws-seed");
        t.setDaemon(true);
        return t;
    });

    public AwsSeeder(AwsClients aws, String dbPassword, Clock clock) {
        this.aws = aws;
        this.dbPassword = dbPassword;
        this.clock = clock;
    }

    /** The ids that the environment file and {@code sandbox env} need. */
    public record AwsSeed(String vpcId, List<String> privateSubnets, String dbSecurityGroup, String appSecurityGroup, String ipSetId,
                          Map<String, String> controlPlane) {
    }

    public AwsSeed seed() {
        Map<String, String> controlPlane = new java.util.concurrent.ConcurrentHashMap<>();
        // resources whose ids the environment carries: one thread, fixed order, repeatable ids
        var network = network();
        Map<String, String> secretArns = secrets();
        String ipSetId = waf();
        rotation(secretArns);
        // the rest in parallel: moto answers one request at a time, but the SDK's side overlaps
        List<CompletableFuture<Void>> parts = List.of(
                CompletableFuture.runAsync(() -> rds(network), pool),
                CompletableFuture.runAsync(() -> ecs(network, secretArns), pool),
                CompletableFuture.runAsync(this::logs, pool),
                CompletableFuture.runAsync(this::metrics, pool),
                CompletableFuture.runAsync(this::bucket, pool),
                CompletableFuture.runAsync(() -> controlPlane.putAll(ControlPlane.deploy(aws.cloudFormation())), pool));
        try {
            CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        } finally {
            pool.shutdownNow();
        }
        return new AwsSeed(network.vpcId, network.privateSubnets, network.dbSecurityGroup, network.appSecurityGroup, ipSetId,
                new java.util.TreeMap<>(controlPlane));
    }

    private record Network(String vpcId, List<String> privateSubnets, String dbSecurityGroup, String appSecurityGroup) {
    }

    private static TagSpecification name(ResourceType type, String name) {
        return TagSpecification.builder().resourceType(type)
                .tags(software.amazon.awssdk.services.ec2.model.Tag.builder().key("Name").value(name).build(),
                        software.amazon.awssdk.services.ec2.model.Tag.builder().key("Environment").value("prod").build())
                .build();
    }

    private Network network() {
        var ec2 = aws.ec2();
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.42.0.0/16").tagSpecifications(name(ResourceType.VPC, "discordination-prod"))).vpc().vpcId();
        // task ENIs get a private DNS name only in a VPC with DNS hostnames, as in production
        ec2.modifyVpcAttribute(r -> r.vpcId(vpc).enableDnsSupport(AttributeBooleanValue.builder().value(true).build()));
        ec2.modifyVpcAttribute(r -> r.vpcId(vpc).enableDnsHostnames(AttributeBooleanValue.builder().value(true).build()));
        List<String> privateSubnets = new ArrayList<>();
        String[] zones = {"us-east-1a", "us-east-1b", "us-east-1c"};
        for (int i = 0; i < zones.length; i++) {
            String zone = zones[i];
            String cidr = "10.42." + (i + 1) + ".0/24";
            privateSubnets.add(ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock(cidr).availabilityZone(zone)
                    .tagSpecifications(name(ResourceType.SUBNET, "discordination-prod-private-" + zone))).subnet().subnetId());
        }
        for (int i = 0; i < zones.length; i++) {
            String zone = zones[i];
            String cidr = "10.42." + (101 + i) + ".0/24";
            ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock(cidr).availabilityZone(zone)
                    .tagSpecifications(name(ResourceType.SUBNET, "discordination-prod-public-" + zone)));
        }
        String app = ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("discordination-app")
                .description("ECS tasks of api and gateway")
                .tagSpecifications(name(ResourceType.SECURITY_GROUP, "discordination-app"))).groupId();
        String db = ec2.createSecurityGroup(r -> r.vpcId(vpc).groupName("discordination-db")
                .description("PostgreSQL clients: one-off tasks and the RDS instance")
                .tagSpecifications(name(ResourceType.SECURITY_GROUP, "discordination-db"))).groupId();
        ec2.authorizeSecurityGroupIngress(r -> r.groupId(db).ipPermissions(p -> p.ipProtocol("tcp").fromPort(5432).toPort(5432)
                .userIdGroupPairs(g -> g.groupId(app), g -> g.groupId(db))));
        return new Network(vpc, privateSubnets, db, app);
    }

    private Map<String, String> secrets() {
        var secrets = aws.secrets();
        StringBuilder jwt = new StringBuilder();
        for (int i = 0; i < 64; i++) jwt.append(Character.forDigit(random.nextInt(16), 16));
        String jwtArn = secrets.createSecret(r -> r.name(SeedData.JWT_SECRET_ID)
                .description("HS256 signing key for user session tokens (api, gateway)")
                .secretString(jwt.toString())
                .tags(t -> t.key("service").value("api"))).arn();
        String dbArn = secrets.createSecret(r -> r.name(SeedData.DB_PASSWORD_SECRET_ID)
                .description("Password of the discordination role (the application's) on discordination-prod")
                .secretString(dbPassword)
                .tags(t -> t.key("service").value("rds"))).arn();
        return Map.of(SeedData.JWT_SECRET_ID, jwtArn, SeedData.DB_PASSWORD_SECRET_ID, dbArn);
    }

    /**
     * Rotation for both secrets, as production has it: a rotation function each (Lambda, with its
     * execution role), 30-day schedules, not rotated now. The sandbox agent plays the functions
     * (see {@link RotationFunctions}); their code here only says so.
     */
    private void rotation(Map<String, String> secretArns) {
        String role = aws.iam().createRole(r -> r.roleName("discordination-secrets-rotation")
                .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}")
                .description("Secrets Manager rotation functions of discordination-prod")).role().arn();
        Map<String, String> functions = Map.of(SeedData.DB_PASSWORD_SECRET_ID, SeedData.DB_PASSWORD_ROTATION_FUNCTION,
                SeedData.JWT_SECRET_ID, SeedData.JWT_SECRET_ROTATION_FUNCTION);
        for (String secretId : List.of(SeedData.JWT_SECRET_ID, SeedData.DB_PASSWORD_SECRET_ID)) {
            String function = functions.get(secretId);
            String arn = aws.lambda().createFunction(r -> r.functionName(function).runtime("python3.12").role(role)
                    .handler("lambda_function.lambda_handler").timeout(30)
                    .description("Rotates " + secretId + " (createSecret, setSecret, testSecret, finishSecret)")
                    .code(c -> c.zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(rotationFunctionZip(function))))).functionArn();
            aws.secrets().rotateSecret(r -> r.secretId(secretArns.get(secretId)).rotationLambdaARN(arn)
                    .rotationRules(rules -> rules.automaticallyAfterDays((long) SeedData.ROTATION_DAYS)).rotateImmediately(false));
        }
    }

    private static byte[] rotationFunctionZip(String function) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("lambda_function.py"));
            zip.write(("# " + function + ": in the sandbox this function is played by the sandbox agent\n"
                    + "# (POST /sandbox/lambda/" + function + "), see docs/sandbox.md.\n"
                    + "def lambda_handler(event, context):\n    raise NotImplementedError('played by the sandbox agent')\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private String waf() {
        return aws.waf().createIPSet(r -> r.name(SeedData.IP_SET_NAME).scope(Scope.REGIONAL)
                .ipAddressVersion(IPAddressVersion.IPV4)
                .description("Addresses blocked at the ALB by the on-call team")
                .addresses(SeedData.BLOCKED_ADDRESSES)).summary().id();
    }

    private void rds(Network network) {
        var rds = aws.rds();
        rds.createDBSubnetGroup(r -> r.dbSubnetGroupName("discordination-prod")
                .dbSubnetGroupDescription("Private subnets of discordination-prod").subnetIds(network.privateSubnets));
        rds.createDBInstance(r -> r.dbInstanceIdentifier(SeedData.DB_INSTANCE)
                .engine("postgres").engineVersion("15.7").dbInstanceClass("db.r6g.large")
                .allocatedStorage(200).storageType("gp3").multiAZ(true).storageEncrypted(true)
                .masterUsername(SeedData.DATABASE_USER).masterUserPassword(dbPassword).dbName(SeedData.DATABASE)
                .vpcSecurityGroupIds(network.dbSecurityGroup).dbSubnetGroupName("discordination-prod")
                .backupRetentionPeriod(7).port(5432)
                .tags(t -> t.key("Environment").value("prod")));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        List<Instant> times = List.of(
                now.minus(Duration.ofDays(6)).truncatedTo(ChronoUnit.DAYS).plusSeconds(3 * 3600 + 12),
                now.minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.DAYS).plusSeconds(14 * 3600 + 41 * 60 + 5),
                now.minus(Duration.ofHours(3)).minusSeconds(17 * 60 + 33));
        for (Instant at : times) {
            rds.createDBSnapshot(r -> r.dbInstanceIdentifier(SeedData.DB_INSTANCE)
                    .dbSnapshotIdentifier("manual-" + SNAPSHOT_NAME.format(at))
                    .tags(t -> t.key("sandbox:created-at").value(at.toString())));
        }
    }

    private void ecs(Network network, Map<String, String> secretArns) {
        var ecs = aws.ecs();
        ecs.createCluster(r -> r.clusterName(SeedData.CLUSTER)
                .capacityProviders("FARGATE", "FARGATE_SPOT")
                .defaultCapacityProviderStrategy(CapacityProviderStrategyItem.builder().capacityProvider("FARGATE").weight(1).build())
                .settings(s -> s.name("containerInsights").value("enabled")));
        List<Secret> appSecrets = List.of(
                Secret.builder().name("JWT_SECRET").valueFrom(secretArns.get(SeedData.JWT_SECRET_ID)).build(),
                Secret.builder().name("DATABASE_PASSWORD").valueFrom(secretArns.get(SeedData.DB_PASSWORD_SECRET_ID)).build());
        register("discordination-api", "api", IMAGE_API, 1024, 2048, List.of(), 4000, SeedData.LOG_GROUP_API, "api", appSecrets);
        register("discordination-gateway", "gateway", IMAGE_GATEWAY, 2048, 4096, List.of(), 4001, SeedData.LOG_GROUP_GATEWAY, "gateway", appSecrets);
        register(SeedData.MIGRATE_TASK_FAMILY, "migrate", IMAGE_API, 512, 1024,
                List.of("bin/discordination", "eval", "Discordination.Release.migrate()"), 0, SeedData.LOG_GROUP_MIGRATE, "migrate", appSecrets);
        register(SeedData.CLEANUP_TASK_FAMILY, "cleanup", IMAGE_CLEANUP, 256, 512,
                List.of("--once"), 0, SeedData.LOG_GROUP_CLEANUP, "cleanup", appSecrets);
        NetworkConfiguration serviceNetwork = NetworkConfiguration.builder().awsvpcConfiguration(AwsVpcConfiguration.builder()
                .subnets(network.privateSubnets).securityGroups(network.appSecurityGroup).assignPublicIp(AssignPublicIp.DISABLED).build()).build();
        for (String service : SeedData.SERVICES) {
            ecs.createService(r -> r.cluster(SeedData.CLUSTER).serviceName(service)
                    .taskDefinition("discordination-" + service).desiredCount(SeedData.SERVICE_TASKS)
                    .launchType(LaunchType.FARGATE).networkConfiguration(serviceNetwork)
                    .tags(t -> t.key("Environment").value("prod")));
            // rolling updates with the deployment circuit breaker on, no automatic rollback; moto's
            // create-service drops the configuration, its update-service keeps it
            ecs.updateService(r -> r.cluster(SeedData.CLUSTER).service(service).deploymentConfiguration(c -> c
                    .minimumHealthyPercent(100).maximumPercent(200)
                    .deploymentCircuitBreaker(b -> b.enable(true).rollback(false))));
        }
    }

    private void register(String family, String container, String image, int cpu, int memory, List<String> command,
                          int port, String logGroup, String streamPrefix, List<Secret> secrets) {
        ContainerDefinition.Builder definition = ContainerDefinition.builder()
                .name(container).image(image).essential(true).cpu(cpu).memory(memory)
                .environment(KeyValuePair.builder().name("MIX_ENV").value("prod").build(),
                        KeyValuePair.builder().name("PHX_HOST").value("discordination.example.com").build())
                .secrets(secrets)
                .logConfiguration(LogConfiguration.builder().logDriver(LogDriver.AWSLOGS).options(Map.of(
                        "awslogs-group", logGroup, "awslogs-region", SeedData.REGION, "awslogs-stream-prefix", streamPrefix)).build());
        if (!command.isEmpty()) definition.command(command);
        if (port > 0) definition.portMappings(PortMapping.builder().containerPort(port).protocol(TransportProtocol.TCP).build());
        aws.ecs().registerTaskDefinition(r -> r.family(family).networkMode(NetworkMode.AWSVPC)
                .requiresCompatibilities(Compatibility.FARGATE).cpu(Integer.toString(cpu)).memory(Integer.toString(memory))
                .executionRoleArn(EXECUTION_ROLE).containerDefinitions(definition.build()));
    }

    private void logs() {
        var logs = aws.logs();
        for (String group : List.of(SeedData.LOG_GROUP_API, SeedData.LOG_GROUP_GATEWAY, SeedData.LOG_GROUP_MIGRATE, SeedData.LOG_GROUP_CLEANUP)) {
            logs.createLogGroup(r -> r.logGroupName(group).tags(Map.of("Environment", "prod")));
            logs.putRetentionPolicy(r -> r.logGroupName(group).retentionInDays(30));
        }
        Instant now = clock.instant();
        HistoricalLogs history = new HistoricalLogs(logRandom, now);
        put(SeedData.LOG_GROUP_API, "api/api/" + hexId(), history.api(0));
        put(SeedData.LOG_GROUP_API, "api/api/" + hexId(), history.api(1));
        put(SeedData.LOG_GROUP_GATEWAY, "gateway/gateway/" + hexId(), history.gateway(0));
        put(SeedData.LOG_GROUP_GATEWAY, "gateway/gateway/" + hexId(), history.gateway(1));
        put(SeedData.LOG_GROUP_MIGRATE, "migrate/migrate/" + hexId(), history.earlierMigration());
        put(SeedData.LOG_GROUP_CLEANUP, "cleanup/cleanup/" + hexId(), history.earlierCleanup());
    }

    private String hexId() {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 32; i++) id.append(Character.forDigit(logRandom.nextInt(16), 16));
        return id.toString();
    }

    private void put(String group, String stream, List<HistoricalLogs.Line> lines) {
        var logs = aws.logs();
        logs.createLogStream(r -> r.logGroupName(group).logStreamName(stream));
        List<InputLogEvent> events = lines.stream().sorted(Comparator.comparing(HistoricalLogs.Line::at))
                .map(l -> InputLogEvent.builder().timestamp(l.at().toEpochMilli()).message(l.message()).build()).toList();
        for (int i = 0; i < events.size(); i += 5000) {
            List<InputLogEvent> batch = events.subList(i, Math.min(events.size(), i + 5000));
            logs.putLogEvents(r -> r.logGroupName(group).logStreamName(stream).logEvents(batch));
        }
    }

    private void metrics() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        Instant end = now.minusSeconds(now.getEpochSecond() % 300);
        for (String service : SeedData.SERVICES) {
            List<MetricDatum> data = new ArrayList<>();
            for (int step = 36; step >= 0; step--) {
                Instant at = end.minus(Duration.ofMinutes(5L * step));
                double progress = (36 - step) / 36.0;
                double memory = service.equals("gateway")
                        ? 52 + 36 * progress * progress + metricRandom.nextDouble() * 3   // BEAM memory creeping up
                        : 41 + metricRandom.nextDouble() * 6;
                double cpu = (service.equals("gateway") ? 28 : 35) + metricRandom.nextDouble() * 15;
                for (List<Dimension> dimensions : List.of(
                        List.of(dim("ClusterName", SeedData.CLUSTER), dim("ServiceName", service)),
                        List.of(dim("ServiceName", service)))) {
                    data.add(datum("MemoryUtilization", dimensions, at, round(memory)));
                    data.add(datum("CPUUtilization", dimensions, at, round(cpu)));
                }
            }
            aws.cloudWatch().putMetricData(r -> r.namespace("AWS/ECS").metricData(data));
        }
    }

    private static Dimension dim(String name, String value) {
        return Dimension.builder().name(name).value(value).build();
    }

    private static MetricDatum datum(String metric, List<Dimension> dimensions, Instant at, double value) {
        return MetricDatum.builder().metricName(metric).dimensions(dimensions).timestamp(at).value(value).unit(StandardUnit.PERCENT).build();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private void bucket() {
        var s3 = aws.s3();
        s3.createBucket(r -> r.bucket(SeedData.BUCKET));
        s3.putBucketVersioning(r -> r.bucket(SeedData.BUCKET).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String[][] files = {
                {"1183102938475610112", "screenshot.png", "image/png"},
                {"1183102938475610113", "meeting-notes.md", "text/markdown"},
                {"1183117726341283840", "patch-v2.diff", "text/x-diff"},
                {"1183158842173849600", "voice-clip.ogg", "audio/ogg"},
                {"1183199273624338432", "avatar-draft.jpg", "image/jpeg"},
                {"1183210032185147392", "server-rules.pdf", "application/pdf"},
                {"1183221765829914624", "raid-schedule.csv", "text/csv"},
                {"1183233402298359808", "bug-report.txt", "text/plain"},
                {"1183240011254099968", "memes.zip", "application/zip"},
                {"1183244459177254912", "standup.txt", "text/plain"},
        };
        for (String[] file : files) {
            String key = "attachments/" + file[0] + "/" + file[1];
            byte[] body = content(file[1], 200 + bucketRandom.nextInt(4000));
            s3.putObject(r -> r.bucket(SeedData.BUCKET).key(key).contentType(file[2])
                    .metadata(Map.of("uploaded-by", "user-" + (1 + bucketRandom.nextInt(SeedData.USERS)))), RequestBody.fromBytes(body));
        }
        // edited twice: two versions, both live history
        String edited = "attachments/1183244459177254912/standup.txt";
        s3.putObject(r -> r.bucket(SeedData.BUCKET).key(edited).contentType("text/plain"),
                RequestBody.fromString("standup 2026-11-28\n- shipped gateway resume fix\n- on-call: quiet night\n"));
        for (String version : SeedData.DELETED_FILE_VERSIONS) {
            s3.putObject(r -> r.bucket(SeedData.BUCKET).key(SeedData.DELETED_FILE_KEY).contentType("text/plain"),
                    RequestBody.fromString(version));
        }
        s3.deleteObject(r -> r.bucket(SeedData.BUCKET).key(SeedData.DELETED_FILE_KEY));
        s3.putObject(r -> r.bucket(SeedData.BUCKET).key("avatars/7c0e5a2b-4f1d-4e8a-9b3c-2d6f8a1e5b04/a_1f3e.png").contentType("image/png"),
                RequestBody.fromBytes(content("avatar.png", 1500)));
        storageMetrics();
    }

    /**
     * S3's daily storage metrics of the bucket as S3 publishes them: one datapoint a day at 00:00
     * UTC for the day before (yesterday's and the day before's here), {@code BucketSizeBytes} with
     * {@code StorageType=StandardStorage} and {@code NumberOfObjects} with
     * {@code StorageType=AllStorageTypes}, both counting every version and delete marker.
     */
    private void storageMetrics() {
        long objects = 0;
        long bytes = 0;
        for (var page : aws.s3().listObjectVersionsPaginator(r -> r.bucket(SeedData.BUCKET))) {
            objects += page.versions().size() + page.deleteMarkers().size();
            for (var v : page.versions()) bytes += v.size() == null ? 0 : v.size();
        }
        Instant today = clock.instant().truncatedTo(ChronoUnit.DAYS);
        List<MetricDatum> data = new ArrayList<>();
        for (int daysBack = 2; daysBack >= 1; daysBack--) {
            Instant at = today.minus(Duration.ofDays(daysBack));
            data.add(MetricDatum.builder().metricName("BucketSizeBytes").timestamp(at).value((double) bytes).unit(StandardUnit.BYTES)
                    .dimensions(dim("BucketName", SeedData.BUCKET), dim("StorageType", "StandardStorage")).build());
            data.add(MetricDatum.builder().metricName("NumberOfObjects").timestamp(at).value((double) objects).unit(StandardUnit.COUNT)
                    .dimensions(dim("BucketName", SeedData.BUCKET), dim("StorageType", "AllStorageTypes")).build());
        }
        aws.cloudWatch().putMetricData(r -> r.namespace("AWS/S3").metricData(data));
    }

    private byte[] content(String name, int size) {
        if (name.endsWith(".txt") || name.endsWith(".md") || name.endsWith(".csv") || name.endsWith(".diff")) {
            StringBuilder text = new StringBuilder();
            while (text.length() < size) text.append(name).append(" line ").append(text.length()).append('\n');
            return text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[size];
        bucketRandom.nextBytes(bytes);
        return bytes;
    }
}
