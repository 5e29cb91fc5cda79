package io.discordination.ops.livekit;

import io.discordination.ops.text.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The participants of one room ({@code livekit-cli list-participants}).
 *
 * <pre>{@code livekit().participants("voice:" + channelId).find(userId);}</pre>
 */
public record Participants(String room, List<Participant> participants) {

    /** One participant; {@code identity} is the Discordination user id. */
    public record Participant(String identity, String name, String sid, String state, Instant joinedAt, int tracks,
                              boolean publisher) {
    }

    public Participants {
        participants = List.copyOf(participants);
    }

    public Optional<Participant> find(String identity) {
        return participants.stream().filter(p -> p.identity().equals(identity)).findFirst();
    }

    @Override
    public String toString() {
        Table table = Table.with("IDENTITY", "NAME", "STATE", "JOINED", "TRACKS", "PUBLISHER");
        participants.forEach(p -> table.row(p.identity(), p.name(), p.state(), p.joinedAt(), p.tracks(), p.publisher() ? "yes" : ""));
        return participants.size() + " participants in " + room + "\n" + table;
    }
}
