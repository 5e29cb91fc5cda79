package io.discordination.ops.livekit;

import io.discordination.ops.text.Table;

import java.time.Instant;
import java.util.List;

/**
 * The active LiveKit rooms ({@code livekit-cli list-rooms}). Printed, the first {@value #PRINTED_ROWS}
 * rooms and the totals; JSON carries every room.
 *
 * <pre>{@code livekit().rooms().rooms().size();}</pre>
 */
public record Rooms(List<Room> rooms) {
    public static final int PRINTED_ROWS = 50;

    /** One room. */
    public record Room(String name, String sid, int participants, int publishers, int maxParticipants, Instant createdAt) {
    }

    public Rooms {
        rooms = List.copyOf(rooms);
    }

    public long participants() {
        return rooms.stream().mapToLong(Room::participants).sum();
    }

    @Override
    public String toString() {
        Table table = Table.with("NAME", "SID", "PARTICIPANTS", "PUBLISHERS", "MAX", "CREATED");
        rooms.stream().limit(PRINTED_ROWS).forEach(r -> table.row(r.name(), r.sid(), r.participants(), r.publishers(),
                r.maxParticipants() == 0 ? "" : r.maxParticipants(), r.createdAt()));
        return rooms.size() + " rooms, " + participants() + " participants\n" + table
                + Table.leftOut(rooms.size(), PRINTED_ROWS, "rooms");
    }
}
