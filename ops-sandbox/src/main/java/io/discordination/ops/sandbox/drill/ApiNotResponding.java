package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.aws.EcsSimulator;
import software.amazon.awssdk.services.ecs.model.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * api-not-responding: the api's tasks fail their load balancer health checks. ECS shows one task
 * short of desired, a rollout that never completes and "is unhealthy in (target-group ...)"
 * events, the running tasks UNHEALTHY; the api log fills with 502s and 503s. Only a new
 * deployment ends it (its tasks start healthy).
 *
 * <pre>{@code Scenarios.byName("api-not-responding")}</pre>
 */
public final class ApiNotResponding implements Scenario {
    static final Duration QUIET = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "api-not-responding";
    }

    @Override
    public String symptoms() {
        return "502/503 from the ALB, the api's health checks failing.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) {
        String arn = sandbox.aws().ecs().describeServices(r -> r.cluster(SeedData.CLUSTER).services("api")).services().get(0).serviceArn();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            lines.add(i % 3 == 0
                    ? "[error] GET /health status=503 duration_ms=5001 client_ip=10.42.10" + (1 + i % 3) + ".17 error=\"health check timed out\""
                    : "[error] POST /api/v9/channels/1180000000000000101/messages status=502 duration_ms=30002 client_ip=198.51.100." + (20 + i)
                    + " error=\"upstream prematurely closed connection\"");
        }
        Reads.writeLog(sandbox, SeedData.LOG_GROUP_API, "api/api/alb-errors", lines);
        sandbox.aws().ecs().tagResource(r -> r.resourceArn(arn).tags(Tag.builder().key(EcsSimulator.DEGRADED_TAG).value("health-checks").build()));
    }

    @Override
    public List<Probe> probes() {
        return List.of(
                new Probe("the api service runs every desired task in one completed deployment", s -> Reads.serviceSteady(s, "api")),
                new Probe("no running api task fails its health check", s -> Reads.tasksHealthy(s, "api")),
                new Probe("no 502/503 in the api log in the last " + QUIET.toSeconds() + " s", s -> Reads.quietLog(s, SeedData.LOG_GROUP_API,
                        QUIET, line -> line.contains("status=502") || line.contains("status=503"), "502/503 lines")));
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO);
    }
}
