package io.discordination.ops.livekit;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;

import java.util.stream.Collectors;

/**
 * One LiveKit room, such as {@code voice:<channel id>}: its participants, and removing one (the
 * runbook's "Kick User from Voice").
 *
 * <pre>{@code livekit().room("voice:" + channelId).remove(userId);}</pre>
 */
public final class LiveKitRoom {
    /** {@link #remove}. */
    public static final CommandTemplate REMOVE_PARTICIPANT = CommandTemplate.of("livekit-cli remove-participant --url <url>"
            + " --api-key \"$LK_KEY\" --api-secret \"$LK_SECRET\" --room <room> --identity <identity>");
    private final LiveKit livekit;
    private final HandleContext context;
    private final String name;

    LiveKitRoom(LiveKit livekit, HandleContext context, String name) {
        this.livekit = livekit;
        this.context = context;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Participants participants() {
        return livekit.participants(name);
    }

    /**
     * Removes the participant {@code identity} from the room. Destructive (it cuts their voice);
     * they can rejoin. A room or participant that does not exist is a not-found error, before
     * anything is done.
     */
    public ParticipantRemoved remove(String identity) {
        LiveKit.requireName(identity, "participant identity");
        Participants present = participants();
        if (present.find(identity).isEmpty()) {
            String known = present.participants().stream().limit(10).map(Participants.Participant::identity)
                    .collect(Collectors.joining(", "));
            throw OpsException.builder("No participant '" + identity + "' in LiveKit room '" + name + "'")
                    .service("livekit").environment(context.environment().name())
                    .hint(known.isEmpty() ? "the room is empty" : "present: " + known).notFound();
        }
        LiveKitClients clients = livekit.clients();
        Effect effect = Effect.on("livekit", "room " + name).verb("remove-participant").param("identity", identity)
                .destructive().inverse("none: they can rejoin the room")
                .command(REMOVE_PARTICIPANT.with("url", clients.url()).with("room", name).with("identity", identity))
                .build();
        return context.gate().apply(effect, () -> {
            try {
                livekit.call("remove participant '" + identity + "'", name, clients.rooms().removeParticipant(name, identity));
            } catch (OpsException.NotFoundException goneMeanwhile) {
                // they were listed a moment ago: they left, or another kick removed them, since (and the room may have
                // closed with its last participant); "No LiveKit room" would blame the room
                throw OpsException.builder("Participant '" + identity + "' is no longer in LiveKit room '" + name
                                + "': they left or were removed by someone else after the check")
                        .service("livekit").environment(context.environment().name()).resource("room " + name)
                        .hint("nothing more to do for them; list the room with livekit().participants(\"" + name + "\")")
                        .cause(goneMeanwhile).notFound();
            }
            return new ParticipantRemoved(name, identity, false, effect);
        }, () -> new ParticipantRemoved(name, identity, true, effect));
    }

    @Override
    public String toString() {
        return "LiveKitRoom[" + name + "]";
    }
}
