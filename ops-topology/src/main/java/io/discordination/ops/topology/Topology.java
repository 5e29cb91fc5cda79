package io.discordination.ops.topology;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One environment file, bound: the real names behind the short ones, endpoints and credentials,
 * one record per remote thing. Every key of the file is one of these records' components, so a
 * misspelled key is an error when the file is read ({@link TopologyFiles#read}); values are
 * {@link Setting}s, whose {@code ${VAR}}s are read when a value is first needed.
 *
 * <pre>{@code
 * Topology topology = TopologyFiles.read(yamlTree, source);
 * String cluster = topology.ecs().cluster().required();     // discordination-prod
 * }</pre>
 *
 * @param name        the environment's name (absent: the file's name)
 * @param isProtected destructive effects need the operator to type the name first (prod)
 * @param approvals   which runs need a saved plan approved by another operator (the two-person rule)
 */
public record Topology(String name, @JsonProperty("protected") boolean isProtected, AwsTopology aws, EcsTopology ecs,
                       LogsTopology logs, RdsTopology rds, PostgresTopology postgres, RedisTopology redis,
                       S3Topology s3, WafTopology waf, SecretsTopology secrets, LiveKitTopology livekit,
                       RegistryTopology registry, AuditTopology audit, ApprovalsTopology approvals) {
    public Topology {
        aws = aws == null ? AwsTopology.empty() : aws;
        ecs = ecs == null ? EcsTopology.empty() : ecs;
        logs = logs == null ? LogsTopology.empty() : logs;
        rds = rds == null ? RdsTopology.empty() : rds;
        postgres = postgres == null ? PostgresTopology.empty() : postgres;
        redis = redis == null ? RedisTopology.empty() : redis;
        s3 = s3 == null ? S3Topology.empty() : s3;
        waf = waf == null ? WafTopology.empty() : waf;
        secrets = secrets == null ? SecretsTopology.empty() : secrets;
        livekit = livekit == null ? LiveKitTopology.empty() : livekit;
        registry = registry == null ? RegistryTopology.empty() : registry;
        audit = audit == null ? AuditTopology.empty() : audit;
        approvals = approvals == null ? ApprovalsTopology.empty() : approvals;
    }

    /** A topology without an {@code approvals:} section. */
    public Topology(String name, boolean isProtected, AwsTopology aws, EcsTopology ecs, LogsTopology logs, RdsTopology rds,
                    PostgresTopology postgres, RedisTopology redis, S3Topology s3, WafTopology waf, SecretsTopology secrets,
                    LiveKitTopology livekit, RegistryTopology registry, AuditTopology audit) {
        this(name, isProtected, aws, ecs, logs, rds, postgres, redis, s3, waf, secrets, livekit, registry, audit, null);
    }
}
