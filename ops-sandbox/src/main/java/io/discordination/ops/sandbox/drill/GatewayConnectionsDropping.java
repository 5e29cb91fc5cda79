package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.aws.EcsSimulator;
import software.amazon.awssdk.services.ecs.model.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * gateway-connections-dropping: BEAM memory pressure on the gateway. Its memory utilization climbs
 * to 97% over the hour, tasks are killed for memory (exit 137) and replaced, so ECS is one task
 * short with a rollout in progress; the gateway log shows WebSockets closed with code 1006 and
 * presence updates dropped. A rolling restart gives fresh nodes (memory back near a third).
 *
 * <pre>{@code Scenarios.byName("gateway-connections-dropping")}</pre>
 */
public final class GatewayConnectionsDropping implements Scenario {
    static final double MEMORY_LIMIT = 80;

    @Override
    public String name() {
        return "gateway-connections-dropping";
    }

    @Override
    public String symptoms() {
        return "Users disconnected, presence not updating.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) {
        List<Double> climb = new ArrayList<>();
        for (int minute = 0; minute < 60; minute++) climb.add(Math.round((62 + 35 * Math.pow(minute / 59.0, 2)) * 10) / 10.0);
        Reads.publishMemory(sandbox, "gateway", climb);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lines.add(String.format(Locale.ROOT, "[error] WebSocket closed session=%08x code=1006 reason=\"node under memory pressure: dropping connection\"",
                    0x3e71a000 + i));
        }
        lines.add("[warning] BEAM memory high: total=3.74GB processes=2.55GB binary=0.98GB ets=0.21GB");
        Reads.writeLog(sandbox, SeedData.LOG_GROUP_GATEWAY, "gateway/gateway/memory-pressure", lines);
        String arn = sandbox.aws().ecs().describeServices(r -> r.cluster(SeedData.CLUSTER).services("gateway")).services().get(0).serviceArn();
        sandbox.aws().ecs().tagResource(r -> r.resourceArn(arn).tags(Tag.builder().key(EcsSimulator.DEGRADED_TAG).value("memory").build()));
    }

    @Override
    public List<Probe> probes() {
        return List.of(
                new Probe("the gateway service runs every desired task in one completed deployment", s -> Reads.serviceSteady(s, "gateway")),
                new Probe("the gateway's memory utilization is below " + (int) MEMORY_LIMIT + "%", s -> {
                    Double newest = Reads.newestMemory(s, "gateway");
                    return Observation.of(newest != null && newest < MEMORY_LIMIT,
                            newest == null ? "no MemoryUtilization datapoint in the last 15 minutes" : "newest MemoryUtilization " + newest + "%");
                }),
                new Probe("no WebSocket dropped in the gateway log in the last " + ApiNotResponding.QUIET.toSeconds() + " s",
                        s -> Reads.quietLog(s, SeedData.LOG_GROUP_GATEWAY, ApiNotResponding.QUIET,
                                line -> line.contains("code=1006"), "dropped WebSockets")));
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.MOTO);
    }
}
