package io.discordination.ops.livekit;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import livekit.LivekitModels;
import retrofit2.Call;
import retrofit2.Response;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The environment's LiveKit voice cluster ({@code livekit.url}, {@code livekit.apiKey},
 * {@code livekit.apiSecret}) through the LiveKit server SDK: health, rooms, participants, and
 * removing a participant (the kick) through the Gate. Errors from the server (a wrong key or
 * secret, a room that does not exist) become clear {@link OpsException}s.
 *
 * <pre>{@code
 * livekit().rooms();
 * livekit().room("voice:" + channelId).remove(userId);
 * }</pre>
 */
public final class LiveKit {
    /** The longest room name {@link #requireRoomName} takes. */
    public static final int ROOM_NAME_MAX = 128;
    private static final java.util.regex.Pattern ROOM_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9:_.@-]*");

    private final Supplier<LiveKitClients> clients;
    private final HandleContext context;

    /** The voice cluster of {@code clients}, made on first use (so a handle that calls nothing needs no {@code LK_SECRET}). */
    public LiveKit(Supplier<LiveKitClients> clients, HandleContext context) {
        this.clients = clients;
        this.context = context;
    }

    LiveKitClients clients() {
        return clients.get();
    }

    /** {@code GET <url>/healthz}: healthy when it answers 200. An unreachable server is an error. */
    public LiveKitHealth health() {
        LiveKitClients c = clients();
        String url = c.url() + "/healthz";
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = c.http().send(HttpRequest.newBuilder(java.net.URI.create(url)).timeout(LiveKitClients.TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String body = response.body() == null ? "" : response.body().strip();
            return new LiveKitHealth(url, response.statusCode() == 200, response.statusCode(),
                    body.length() > 200 ? body.substring(0, 200) + "..." : body, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw unreachable(c, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OpsException.builder("Interrupted while checking LiveKit health").service("livekit").build();
        }
    }

    /** The active rooms. */
    public Rooms rooms() {
        List<LivekitModels.Room> rooms = call("list rooms", null, clients().rooms().listRooms());
        List<Rooms.Room> out = new ArrayList<>();
        if (rooms != null) {
            for (LivekitModels.Room r : rooms) {
                out.add(new Rooms.Room(r.getName(), r.getSid(), r.getNumParticipants(), r.getNumPublishers(),
                        r.getMaxParticipants(), r.getCreationTime() == 0 ? null : Instant.ofEpochSecond(r.getCreationTime())));
            }
        }
        return new Rooms(out);
    }

    /** The participants of {@code room}; a room that does not exist is a not-found error. */
    public Participants participants(String room) {
        requireRoomName(room);
        requireRoom(room);
        List<LivekitModels.ParticipantInfo> list = call("list participants", room, clients().rooms().listParticipants(room));
        List<Participants.Participant> out = new ArrayList<>();
        if (list != null) {
            for (LivekitModels.ParticipantInfo p : list) {
                out.add(new Participants.Participant(p.getIdentity(), p.getName(), p.getSid(), p.getState().name(),
                        p.getJoinedAt() == 0 ? null : Instant.ofEpochSecond(p.getJoinedAt()), p.getTracksCount(), p.getIsPublisher()));
            }
        }
        return new Participants(room, out);
    }

    /** LiveKit lists no participants for a room that does not exist; say so instead. */
    private void requireRoom(String room) {
        List<LivekitModels.Room> found = call("find room", room, clients().rooms().listRooms(List.of(room)));
        if (found == null || found.stream().noneMatch(r -> r.getName().equals(room))) {
            List<LivekitModels.Room> all = call("list rooms", null, clients().rooms().listRooms());
            String known = all == null ? "" : all.stream().limit(10).map(LivekitModels.Room::getName)
                    .collect(java.util.stream.Collectors.joining(", "));
            throw OpsException.builder("No LiveKit room '" + room + "'").service("livekit")
                    .environment(context.environment().name()).resource(clients().url().toString())
                    .hint(known.isEmpty() ? "there are no active rooms" : "active rooms: " + known).notFound();
        }
    }

    /** A handle on one room, such as {@code voice:<channel id>}. */
    public LiveKitRoom room(String name) {
        requireRoomName(name);
        return new LiveKitRoom(this, context, name);
    }

    /**
     * A room name as Discordination names them ({@code voice:<channel id>}): 1 to 128 letters,
     * digits and {@code : _ . @ -}, starting with a letter or digit. The runbooks' {@code room}
     * parameter is checked with this same rule before anything runs.
     */
    public static String requireRoomName(String name) {
        if (name == null || name.isBlank()) {
            throw OpsException.builder("A LiveKit room name is needed").service("livekit").hint("such as voice:<channel id>").invalidInput();
        }
        if (name.length() > ROOM_NAME_MAX || !ROOM_NAME.matcher(name).matches()) {
            throw OpsException.builder("Invalid LiveKit room name: it must be 1 to " + ROOM_NAME_MAX
                            + " letters, digits and : _ . @ -, starting with a letter or digit")
                    .service("livekit").hint("such as voice:1180000000000000101").invalidInput();
        }
        return name;
    }

    static void requireName(String value, String what) {
        if (value == null || value.isBlank()) {
            throw OpsException.builder("A LiveKit " + what + " name is needed").service("livekit").invalidInput();
        }
    }

    /** Runs one SDK call; maps the server's errors (HTTP status, Twirp code) to {@link OpsException}s. */
    <T> T call(String what, String room, Call<T> call) {
        LiveKitClients c = clients();
        Response<T> response;
        try {
            response = call.execute();
        } catch (IOException e) {
            throw unreachable(c, e);
        } catch (RuntimeException e) {
            throw OpsException.builder("LiveKit " + what + " failed: " + context.redactor().redact(String.valueOf(e.getMessage())))
                    .service("livekit").environment(c.environment()).resource(c.url().toString())
                    .hint("check livekit.apiKey and livekit.apiSecret (LK_KEY, LK_SECRET)").cause(e).build();
        }
        if (response.isSuccessful()) return response.body();
        // Twirp puts its error code in the HTTP status: 401 unauthenticated, 403 permission_denied, 404 not_found
        String twirpCode = "";
        String message = response.message() == null || response.message().isBlank() ? "HTTP " + response.code() : response.message();
        message = context.redactor().redact(message);
        int status = response.code();
        OpsException.Builder b = OpsException.builder("LiveKit " + what + " failed").service("livekit")
                .environment(c.environment()).resource(room == null ? c.url().toString() : "room " + room);
        if (status == 401 || twirpCode.equals("unauthenticated")) {
            return throwing(OpsException.builder("LiveKit rejected the API key/secret (unauthenticated) for " + what + ": " + message)
                    .service("livekit").environment(c.environment()).resource(c.url().toString())
                    .hint("check LK_KEY/LK_SECRET (livekit.apiKey '" + c.apiKey() + "', livekit.apiSecret)").accessDenied());
        }
        if (status == 403 || twirpCode.equals("permission_denied")) {
            return throwing(OpsException.builder("LiveKit denied " + what + " (permission denied): " + message)
                    .service("livekit").environment(c.environment()).resource(c.url().toString())
                    .hint("the API key needs the roomList and roomAdmin grants").accessDenied());
        }
        if (status == 404 || twirpCode.equals("not_found")) {
            String subject = room == null ? what : "room '" + room + "'";
            return throwing(OpsException.builder("No LiveKit " + subject + " (" + message + ")")
                    .service("livekit").environment(c.environment()).resource(c.url().toString())
                    .hint("list the rooms with livekit().rooms()").notFound());
        }
        return throwing(OpsException.builder("LiveKit " + what + " failed: HTTP " + status
                        + (twirpCode.isEmpty() ? "" : " " + twirpCode) + ": " + message)
                .service("livekit").environment(c.environment()).resource(room == null ? c.url().toString() : "room " + room)
                .hint("check that LiveKit at " + c.url() + " is healthy: ops run livekit-health (livekit().health() in code)").build());
    }

    private static <T> T throwing(OpsException e) {
        throw e;
    }

    private OpsException unreachable(LiveKitClients c, IOException e) {
        return OpsException.builder("Cannot reach LiveKit at " + c.url() + ": " + context.redactor().redact(String.valueOf(e.getMessage())))
                .service("livekit").environment(c.environment()).hint("check livekit.url (LIVEKIT_URL) and that LiveKit is up").cause(e).build();
    }

    @Override
    public String toString() {
        return "LiveKit[" + context.environment().name() + "]";
    }
}
