package io.discordination.ops.sandbox.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kick-from-voice: a participant stuck in a voice room. Their client vanished without leaving, so
 * LiveKit still lists them in {@code voice:<channel>} (ACTIVE, microphone muted, joined hours
 * ago) and the channel shows someone who is not there. Removing the participant ends it.
 *
 * <pre>{@code Scenarios.byName("kick-from-voice")}</pre>
 */
public final class KickFromVoice implements Scenario {
    static final String ROOM = SeedData.VOICE_ROOMS.get(1);
    static final int STUCK_USER = 30;

    @Override
    public String name() {
        return "kick-from-voice";
    }

    @Override
    public String symptoms() {
        return "A user shows in voice channel " + ROOM.substring("voice:".length()) + " though they left hours ago; they cannot rejoin.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) throws Exception {
        sandbox.agent("/sandbox/livekit/strand", new ObjectMapper().createObjectNode().put("room", ROOM)
                .put("identity", SeedData.userId(STUCK_USER)).put("name", SeedData.username(STUCK_USER)).toString());
    }

    @Override
    public Map<String, String> runbookParams(SandboxAccess sandbox) {
        return Map.of("channel", ROOM.substring("voice:".length()), "user", SeedData.userId(STUCK_USER));
    }

    @Override
    public List<Probe> probes() {
        return List.of(new Probe("the stuck user is not in " + ROOM, s -> {
            var answer = s.livekit("ListParticipants", "{\"room\":\"" + ROOM + "\"}", ROOM);
            if (answer.statusCode() == 404) return Observation.pass("the room is closed");
            if (answer.statusCode() != 200) return Observation.fail("ListParticipants answered " + answer.statusCode() + ": " + answer.body());
            JsonNode participants = new ObjectMapper().readTree(answer.body()).path("participants");
            String user = SeedData.userId(STUCK_USER);
            for (JsonNode p : participants) {
                if (user.equals(p.path("identity").asText())) {
                    return Observation.fail(p.path("name").asText() + " (" + user + ") listed, state " + p.path("state").asText()
                            + ", among " + participants.size() + " participants");
                }
            }
            return Observation.pass(participants.size() + " participants, the stuck user not among them");
        }));
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.AGENT);
    }
}
