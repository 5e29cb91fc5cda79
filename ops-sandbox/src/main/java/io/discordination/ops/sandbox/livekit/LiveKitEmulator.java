package io.discordination.ops.sandbox.livekit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import livekit.LivekitModels;
import livekit.LivekitRoom;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * LiveKit's RoomService as the server SDK sees it: Twirp over HTTP at
 * {@code POST /twirp/livekit.RoomService/<Method>} with protobuf or JSON bodies, bearer JWT
 * authentication with per-call grants ({@code roomList} to list, {@code roomCreate} to create and
 * delete rooms, {@code roomAdmin} for the named room to see or act on participants), LiveKit's
 * error shapes, and {@code GET /healthz} answering {@code OK}.
 *
 * <pre>{@code new LiveKitEmulator(rooms, tokens).register(httpServer);}</pre>
 */
public final class LiveKitEmulator {
    private static final String PREFIX = "/twirp/livekit.RoomService/";
    private static final JsonFormat.Printer JSON_OUT = JsonFormat.printer().preservingProtoFieldNames()
            .alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser JSON_IN = JsonFormat.parser().ignoringUnknownFields();

    private final Rooms rooms;
    private final AccessTokens tokens;
    /** Why the node fails its health check (a drill), or null while it is healthy. */
    private volatile String unhealthy;

    public LiveKitEmulator(Rooms rooms, AccessTokens tokens) {
        this.rooms = rooms;
        this.tokens = tokens;
    }

    public static LiveKitEmulator withSeededRooms(String apiKey, String apiSecret, Clock clock) {
        Rooms rooms = new Rooms(clock);
        rooms.seed();
        return new LiveKitEmulator(rooms, new AccessTokens(Map.of(apiKey, apiSecret), clock));
    }

    public Rooms rooms() {
        return rooms;
    }

    /** Adds {@code /healthz} and {@code /twirp/} to {@code server}. */
    public void register(HttpServer server) {
        server.createContext("/healthz", this::health);
        server.createContext("/twirp/", this::twirp);
    }

    private void health(HttpExchange exchange) throws IOException {
        String why = unhealthy;
        if (why == null) send(exchange, 200, "text/plain", "OK".getBytes(StandardCharsets.UTF_8));
        else send(exchange, 503, "text/plain", why.getBytes(StandardCharsets.UTF_8));
    }

    /** A drill: {@code /healthz} answers 503 with {@code reason} until {@link #healthy()}. */
    public void unhealthy(String reason) {
        this.unhealthy = reason == null || reason.isBlank() ? "not ready" : reason;
    }

    /** The node passes its health check again (the seeded state). */
    public void healthy() {
        this.unhealthy = null;
    }

    /** A Twirp error: HTTP status and {@code {"code": ..., "msg": ...}}. */
    static final class TwirpError extends Exception {
        final int status;
        final String code;

        TwirpError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        static TwirpError notFound(String message) {
            return new TwirpError(404, "not_found", message);
        }

        static TwirpError unauthenticated(String message) {
            return new TwirpError(401, "unauthenticated", message);
        }

        static TwirpError permissionsDenied() {
            return unauthenticated("permissions denied");
        }
    }

    private void twirp(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                // the real server authenticates before Twirp routes the call
                AccessTokens.Grants grants;
                try {
                    grants = tokens.verify(exchange.getRequestHeaders().getFirst("Authorization"));
                } catch (AccessTokens.Unauthenticated e) {
                    throw TwirpError.unauthenticated(e.getMessage());
                }
                String path = exchange.getRequestURI().getPath();
                if (!"POST".equals(exchange.getRequestMethod())) {
                    throw new TwirpError(404, "bad_route", "unsupported method " + exchange.getRequestMethod() + " (only POST is allowed)");
                }
                String contentType = contentType(exchange);
                boolean json = contentType.equals("application/json");
                if (!json && !contentType.equals("application/protobuf")) {
                    throw new TwirpError(404, "bad_route", "unexpected Content-Type: \"" + contentType + "\"");
                }
                if (!path.startsWith(PREFIX)) throw new TwirpError(404, "bad_route", "no handler for path \"" + path + "\"");
                byte[] body = exchange.getRequestBody().readAllBytes();
                Message reply = call(path.substring(PREFIX.length()), body, json, grants, path);
                if (json) {
                    send(exchange, 200, "application/json", JSON_OUT.print(reply).getBytes(StandardCharsets.UTF_8));
                } else {
                    send(exchange, 200, "application/protobuf", reply.toByteArray());
                }
            } catch (TwirpError e) {
                String message = e.getMessage().replace("\\", "\\\\").replace("\"", "\\\"");
                send(exchange, e.status, "application/json",
                        ("{\"code\":\"" + e.code + "\",\"msg\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                send(exchange, 500, "application/json",
                        ("{\"code\":\"internal\",\"msg\":\"" + String.valueOf(e.getMessage()).replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static String contentType(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Content-Type");
        if (header == null) return "";
        int semicolon = header.indexOf(';');
        return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static <B extends Message.Builder> B parse(B builder, byte[] body, boolean json) throws TwirpError {
        try {
            if (json) {
                JSON_IN.merge(new String(body, StandardCharsets.UTF_8), builder);
            } else {
                builder.mergeFrom(body);
            }
            return builder;
        } catch (InvalidProtocolBufferException e) {
            throw new TwirpError(400, "malformed", "the " + (json ? "json" : "protobuf") + " request could not be decoded: " + e.getMessage());
        }
    }

    private Message call(String method, byte[] body, boolean json, AccessTokens.Grants grants, String path) throws TwirpError {
        switch (method) {
            case "CreateRoom": {
                var request = parse(LivekitRoom.CreateRoomRequest.newBuilder(), body, json).build();
                if (!grants.roomCreate()) throw TwirpError.permissionsDenied();
                if (request.getName().isEmpty()) throw new TwirpError(400, "invalid_argument", "no room name");
                return rooms.create(request.getName(), request.getEmptyTimeout(), request.getMaxParticipants(), request.getMetadata());
            }
            case "ListRooms": {
                var request = parse(LivekitRoom.ListRoomsRequest.newBuilder(), body, json).build();
                if (!grants.roomList()) throw TwirpError.permissionsDenied();
                return LivekitRoom.ListRoomsResponse.newBuilder().addAllRooms(rooms.list(request.getNamesList())).build();
            }
            case "DeleteRoom": {
                var request = parse(LivekitRoom.DeleteRoomRequest.newBuilder(), body, json).build();
                if (!grants.roomCreate()) throw TwirpError.permissionsDenied();
                if (!rooms.delete(request.getRoom())) throw TwirpError.notFound("room not found");
                return LivekitRoom.DeleteRoomResponse.getDefaultInstance();
            }
            case "ListParticipants": {
                var request = parse(LivekitRoom.ListParticipantsRequest.newBuilder(), body, json).build();
                if (!grants.canAdmin(request.getRoom())) throw TwirpError.permissionsDenied();
                return LivekitRoom.ListParticipantsResponse.newBuilder().addAllParticipants(rooms.participants(request.getRoom())).build();
            }
            case "GetParticipant": {
                var request = parse(LivekitRoom.RoomParticipantIdentity.newBuilder(), body, json).build();
                if (!grants.canAdmin(request.getRoom())) throw TwirpError.permissionsDenied();
                return rooms.participant(request.getRoom(), request.getIdentity())
                        .orElseThrow(() -> TwirpError.notFound("participant does not exist"));
            }
            case "RemoveParticipant": {
                var request = parse(LivekitRoom.RoomParticipantIdentity.newBuilder(), body, json).build();
                // as on the real server, a missing participant is reported before permissions are checked
                if (rooms.participant(request.getRoom(), request.getIdentity()).isEmpty()) {
                    throw TwirpError.notFound("participant not found");
                }
                if (!grants.canAdmin(request.getRoom())) throw TwirpError.permissionsDenied();
                rooms.remove(request.getRoom(), request.getIdentity());
                return LivekitRoom.RemoveParticipantResponse.getDefaultInstance();
            }
            case "MutePublishedTrack": {
                var request = parse(LivekitRoom.MuteRoomTrackRequest.newBuilder(), body, json).build();
                if (!grants.canAdmin(request.getRoom())) throw TwirpError.permissionsDenied();
                if (rooms.participant(request.getRoom(), request.getIdentity()).isEmpty()) {
                    throw TwirpError.notFound("participant does not exist");
                }
                LivekitModels.TrackInfo track = rooms.mute(request.getRoom(), request.getIdentity(), request.getTrackSid(), request.getMuted())
                        .orElseThrow(() -> TwirpError.notFound("track is not found"));
                return LivekitRoom.MuteRoomTrackResponse.newBuilder().setTrack(track).build();
            }
            case "UpdateRoomMetadata": {
                var request = parse(LivekitRoom.UpdateRoomMetadataRequest.newBuilder(), body, json).build();
                if (!grants.canAdmin(request.getRoom())) throw TwirpError.permissionsDenied();
                return rooms.updateMetadata(request.getRoom(), request.getMetadata())
                        .orElseThrow(() -> TwirpError.notFound("requested room does not exist"));
            }
            case "SendData": {
                var request = parse(LivekitRoom.SendDataRequest.newBuilder(), body, json).build();
                if (!grants.canAdmin(request.getRoom())) throw TwirpError.permissionsDenied();
                return LivekitRoom.SendDataResponse.getDefaultInstance();
            }
            default:
                throw new TwirpError(404, "bad_route", "no handler for path \"" + path + "\"");
        }
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
