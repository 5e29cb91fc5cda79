package io.discordination.ops.sandbox.livekit;

import io.discordination.ops.sandbox.SeedData;
import livekit.LivekitModels;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The emulator's rooms and participants, in memory. Seeded with {@code voice:<channel_id>} rooms
 * whose participants are seeded users (identity = user id, name = username) with a microphone track.
 *
 * <pre>{@code Rooms rooms = new Rooms(clock); rooms.seed(); rooms.list(List.of());}</pre>
 */
public final class Rooms {
    private final Clock clock;
    private final Map<String, LivekitModels.Room> rooms = new LinkedHashMap<>();
    private final Map<String, Map<String, LivekitModels.ParticipantInfo>> participants = new LinkedHashMap<>();
    private Random random = new Random(11);

    public Rooms(Clock clock) {
        this.clock = clock;
    }

    /** Back to the seeded rooms and participants. */
    public synchronized void seed() {
        rooms.clear();
        participants.clear();
        random = new Random(11);
        int[][] seats = {{0, 3, 5, 8}, {12, 14}, {21}};
        for (int i = 0; i < SeedData.VOICE_ROOMS.size(); i++) {
            String name = SeedData.VOICE_ROOMS.get(i);
            create(name, 300, 0, "{\"guild_id\":\"1170000000000000001\",\"channel\":\"" + name.substring(6) + "\"}");
            long joinedAt = clock.instant().getEpochSecond() - 600 - random.nextInt(3000);
            for (int user : seats[i]) {
                join(name, SeedData.userId(user), SeedData.username(user), joinedAt + random.nextInt(500));
            }
        }
    }

    private String sid(String prefix) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sid = new StringBuilder(prefix);
        for (int i = 0; i < 12; i++) sid.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return sid.toString();
    }

    /** Creates the room if it does not exist (CreateRoom is idempotent on the real server) and returns it. */
    public synchronized LivekitModels.Room create(String name, int emptyTimeout, int maxParticipants, String metadata) {
        LivekitModels.Room existing = rooms.get(name);
        if (existing != null) return existing;
        long now = clock.millis();
        LivekitModels.Room room = LivekitModels.Room.newBuilder()
                .setSid(sid("RM_")).setName(name).setEmptyTimeout(emptyTimeout == 0 ? 300 : emptyTimeout)
                .setDepartureTimeout(20).setMaxParticipants(maxParticipants)
                .setCreationTime(now / 1000).setCreationTimeMs(now).setMetadata(metadata == null ? "" : metadata)
                .addEnabledCodecs(LivekitModels.Codec.newBuilder().setMime("audio/opus"))
                .addEnabledCodecs(LivekitModels.Codec.newBuilder().setMime("audio/red"))
                .build();
        rooms.put(name, room);
        participants.put(name, new LinkedHashMap<>());
        return room;
    }

    private void join(String room, String identity, String name, long joinedAt) {
        LivekitModels.ParticipantInfo participant = LivekitModels.ParticipantInfo.newBuilder()
                .setSid(sid("PA_")).setIdentity(identity).setName(name)
                .setState(LivekitModels.ParticipantInfo.State.ACTIVE)
                .setJoinedAt(joinedAt).setJoinedAtMs(joinedAt * 1000)
                .setIsPublisher(true).setKind(LivekitModels.ParticipantInfo.Kind.STANDARD)
                .setRegion("us-east-1").setVersion(3)
                .setMetadata("{\"user_id\":\"" + identity + "\"}")
                .setPermission(LivekitModels.ParticipantPermission.newBuilder()
                        .setCanSubscribe(true).setCanPublish(true).setCanPublishData(true))
                .addTracks(LivekitModels.TrackInfo.newBuilder()
                        .setSid(sid("TR_")).setType(LivekitModels.TrackType.AUDIO).setName("microphone")
                        .setSource(LivekitModels.TrackSource.MICROPHONE).setMimeType("audio/opus")
                        .setMuted(random.nextInt(4) == 0).setStereo(false))
                .build();
        participants.get(room).put(identity, participant);
        refreshCount(room);
    }

    /**
     * A drill: {@code identity} is left in {@code room} as LiveKit keeps a participant whose client
     * vanished without leaving (still ACTIVE, its microphone track muted, joined long ago), so the
     * channel shows someone who is not there. The room is created if needed.
     */
    public synchronized LivekitModels.ParticipantInfo strand(String room, String identity, String name) {
        create(room, 300, 0, "");
        long joinedAt = clock.instant().getEpochSecond() - 4 * 3600;
        join(room, identity, name, joinedAt);
        LivekitModels.ParticipantInfo joined = participants.get(room).get(identity);
        LivekitModels.ParticipantInfo stuck = joined.toBuilder()
                .setTracks(0, joined.getTracks(0).toBuilder().setMuted(true))
                .setMetadata("{\"user_id\":\"" + identity + "\",\"client\":\"desktop 0.0.312\"}").build();
        participants.get(room).put(identity, stuck);
        return stuck;
    }

    private void refreshCount(String room) {
        int count = participants.get(room).size();
        rooms.put(room, rooms.get(room).toBuilder().setNumParticipants(count).setNumPublishers(count).build());
    }

    /** Rooms, all or those named. */
    public synchronized List<LivekitModels.Room> list(List<String> names) {
        List<LivekitModels.Room> out = new ArrayList<>();
        for (LivekitModels.Room room : rooms.values()) {
            if (names.isEmpty() || names.contains(room.getName())) out.add(room);
        }
        return out;
    }

    /** Sets a room's metadata; the updated room, if it exists. */
    public synchronized Optional<LivekitModels.Room> updateMetadata(String room, String metadata) {
        LivekitModels.Room existing = rooms.get(room);
        if (existing == null) return Optional.empty();
        LivekitModels.Room updated = existing.toBuilder().setMetadata(metadata).build();
        rooms.put(room, updated);
        return Optional.of(updated);
    }

    public synchronized boolean exists(String room) {
        return rooms.containsKey(room);
    }

    public synchronized boolean delete(String room) {
        participants.remove(room);
        return rooms.remove(room) != null;
    }

    /** Participants of a room; none for a room that does not exist, as on the real server. */
    public synchronized List<LivekitModels.ParticipantInfo> participants(String room) {
        Map<String, LivekitModels.ParticipantInfo> inRoom = participants.get(room);
        return inRoom == null ? List.of() : new ArrayList<>(inRoom.values());
    }

    public synchronized Optional<LivekitModels.ParticipantInfo> participant(String room, String identity) {
        Map<String, LivekitModels.ParticipantInfo> inRoom = participants.get(room);
        return inRoom == null ? Optional.empty() : Optional.ofNullable(inRoom.get(identity));
    }

    public synchronized boolean remove(String room, String identity) {
        Map<String, LivekitModels.ParticipantInfo> inRoom = participants.get(room);
        if (inRoom == null || inRoom.remove(identity) == null) return false;
        refreshCount(room);
        return true;
    }

    /** Mutes or unmutes a track; the updated track, if the participant has it. */
    public synchronized Optional<LivekitModels.TrackInfo> mute(String room, String identity, String trackSid, boolean muted) {
        Optional<LivekitModels.ParticipantInfo> found = participant(room, identity);
        if (found.isEmpty()) return Optional.empty();
        LivekitModels.ParticipantInfo.Builder builder = found.get().toBuilder();
        for (int i = 0; i < builder.getTracksCount(); i++) {
            if (builder.getTracks(i).getSid().equals(trackSid)) {
                LivekitModels.TrackInfo track = builder.getTracks(i).toBuilder().setMuted(muted).build();
                builder.setTracks(i, track);
                participants.get(room).put(identity, builder.build());
                return Optional.of(track);
            }
        }
        return Optional.empty();
    }
}
