package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;

import java.util.List;
import java.util.Set;

/**
 * livekit-health: the LiveKit node fails its health check ({@code /healthz} answers 503 with the
 * reason). The runbook only diagnoses: the drill passes when its report shows the failing check's
 * answer, so the operator knows where to look; it cannot end the incident.
 *
 * <pre>{@code Scenarios.byName("livekit-health")}</pre>
 */
public final class LiveKitHealth implements Scenario {
    static final String REASON = "node lk-use1-b: rtc udp port 7882 unreachable, 0 of 2 TURN servers reachable";

    @Override
    public String name() {
        return "livekit-health";
    }

    @Override
    public String symptoms() {
        return "Voice does not connect for some users; joining a channel spins.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) throws Exception {
        sandbox.agent("/sandbox/livekit/unhealthy", REASON);
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("LiveKit answers its health check with 200 OK", s -> {
            var answer = s.livekitGet("/healthz");
            return Observation.of(answer.statusCode() == 200, "/healthz answered " + answer.statusCode() + " " + answer.body().strip());
        }));
    }

    @Override
    public List<String> evidence(SandboxAccess sandbox) {
        return List.of(REASON);
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.AGENT);
    }
}
