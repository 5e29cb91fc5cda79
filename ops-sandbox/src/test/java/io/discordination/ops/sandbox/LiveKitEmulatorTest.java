package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import io.livekit.server.RoomServiceClient;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import retrofit2.Response;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** The LiveKit emulator, checked with LiveKit's own server SDK and plain HTTP. */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class LiveKitEmulatorTest {

    private static RoomServiceClient client(SandboxInfo sandbox, String secret) {
        return RoomServiceClient.Companion.createClient(sandbox.livekitUrl(), sandbox.lkKey(), secret);
    }

    @Test
    void listRooms_withTheSdk_returnsSeededVoiceRooms(SandboxInfo sandbox) throws Exception {
        Response<List<LivekitModels.Room>> response = client(sandbox, sandbox.lkSecret()).listRooms().execute();

        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body()).extracting(LivekitModels.Room::getName).containsAll(SeedData.VOICE_ROOMS);
    }

    @Test
    void listParticipants_ofSeededRoom_includesTheWellKnownUser(SandboxInfo sandbox) throws Exception {
        Response<List<LivekitModels.ParticipantInfo>> response = client(sandbox, sandbox.lkSecret()).listParticipants(SeedData.VOICE_ROOM).execute();

        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body()).extracting(LivekitModels.ParticipantInfo::getIdentity).contains(SeedData.WELL_KNOWN_USER_ID);
    }

    @Test
    void removeParticipant_thenGet_isGoneWith404(SandboxInfo sandbox) throws Exception {
        RoomServiceClient client = client(sandbox, sandbox.lkSecret());

        Response<Void> removed = client.removeParticipant(SeedData.VOICE_ROOM, SeedData.WELL_KNOWN_USER_ID).execute();
        Response<LivekitModels.ParticipantInfo> again = client.getParticipant(SeedData.VOICE_ROOM, SeedData.WELL_KNOWN_USER_ID).execute();
        Response<Void> twice = client.removeParticipant(SeedData.VOICE_ROOM, SeedData.WELL_KNOWN_USER_ID).execute();

        assertThat(removed.code()).isEqualTo(200);
        assertThat(again.code()).isEqualTo(404);
        assertThat(again.errorBody().string()).contains("\"code\":\"not_found\"");
        assertThat(twice.code()).isEqualTo(404);
    }

    @Test
    void listRooms_withWrongSecret_isRejectedWith401(SandboxInfo sandbox) throws Exception {
        Response<List<LivekitModels.Room>> response = client(sandbox, "not-the-secret").listRooms().execute();

        assertThat(response.code()).isEqualTo(401);
        assertThat(response.errorBody().string()).contains("\"code\":\"unauthenticated\"");
    }

    @Test
    void listParticipants_withoutToken_isUnauthenticated(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sandbox.livekitUrl() + "/twirp/livekit.RoomService/ListParticipants"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"room\":\"" + SeedData.VOICE_ROOM + "\"}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"code\":\"unauthenticated\",\"msg\":\"permissions denied\"}");
    }

    @Test
    void listRooms_withJsonBody_answersJson(SandboxInfo sandbox) throws Exception {
        io.livekit.server.AccessToken accessToken = new io.livekit.server.AccessToken(sandbox.lkKey(), sandbox.lkSecret());
        accessToken.addGrants(new io.livekit.server.RoomList(true));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sandbox.livekitUrl() + "/twirp/livekit.RoomService/ListRooms"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + accessToken.toJwt())
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).contains("\"rooms\":[", "\"name\":\"" + SeedData.VOICE_ROOM + "\"", "\"num_participants\":");
    }

    @Test
    void listParticipants_withAdminGrantForAnotherRoom_isPermissionDenied(SandboxInfo sandbox) throws Exception {
        io.livekit.server.AccessToken token = new io.livekit.server.AccessToken(sandbox.lkKey(), sandbox.lkSecret());
        token.addGrants(new io.livekit.server.RoomAdmin(true), new io.livekit.server.RoomName("voice:1180000000000000102"));

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sandbox.livekitUrl() + "/twirp/livekit.RoomService/ListParticipants"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token.toJwt())
                .POST(HttpRequest.BodyPublishers.ofString("{\"room\":\"" + SeedData.VOICE_ROOM + "\"}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("permissions denied");
    }

    @Test
    void createAndDeleteRoom_withTheSdk_changeTheRoomList(SandboxInfo sandbox) throws Exception {
        RoomServiceClient client = client(sandbox, sandbox.lkSecret());

        LivekitModels.Room created = client.createRoom("voice:1180000000000000999").execute().body();
        List<String> withIt = client.listRooms().execute().body().stream().map(LivekitModels.Room::getName).toList();
        int deleted = client.deleteRoom("voice:1180000000000000999").execute().code();
        int deletedAgain = client.deleteRoom("voice:1180000000000000999").execute().code();

        assertThat(created.getSid()).startsWith("RM_");
        assertThat(withIt).contains("voice:1180000000000000999");
        assertThat(deleted).isEqualTo(200);
        assertThat(deletedAgain).isEqualTo(404);
    }

    @Test
    void healthz_answersOk(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(sandbox.livekitUrl() + "/healthz")).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("OK");
    }

    // --- tokens made with java-jwt as the server SDK makes them, then broken one way each ---

    /** A ListRooms token as {@code io.livekit.server.AccessToken} builds it, with {@code change} applied before signing. */
    private static String listRoomsToken(SandboxInfo sandbox, Algorithm algorithm, UnaryOperator<JWTCreator.Builder> change) {
        Instant now = Instant.now();
        JWTCreator.Builder token = JWT.create().withIssuer(sandbox.lkKey()).withSubject("ops-test")
                .withNotBefore(now.minusSeconds(1)).withExpiresAt(now.plusSeconds(600))
                .withClaim("video", Map.of("roomList", true));
        return change.apply(token).sign(algorithm);
    }

    private static String listRoomsToken(SandboxInfo sandbox, UnaryOperator<JWTCreator.Builder> change) {
        return listRoomsToken(sandbox, Algorithm.HMAC256(sandbox.lkSecret()), change);
    }

    private static HttpResponse<String> listRooms(SandboxInfo sandbox, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sandbox.livekitUrl() + "/twirp/livekit.RoomService/ListRooms"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeBase64Url(String part) {
        return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
    }

    @Test
    void listRooms_withTokenBuiltAsTheSdkBuildsIt_answers200(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = listRooms(sandbox, listRoomsToken(sandbox, t -> t));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"name\":\"" + SeedData.VOICE_ROOM + "\"");
    }

    @Test
    void listRooms_withTokenSignedWithAnotherSecret_isUnauthenticated(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = listRooms(sandbox, listRoomsToken(sandbox, Algorithm.HMAC256(sandbox.lkSecret() + "x"), t -> t));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).startsWith("{\"code\":\"unauthenticated\",\"msg\":\"invalid token: ")
                .contains("error in cryptographic primitive");
    }

    @Test
    void listRooms_withExpiredToken_isUnauthenticated(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = listRooms(sandbox, listRoomsToken(sandbox,
                t -> t.withNotBefore(Instant.now().minusSeconds(900)).withExpiresAt(Instant.now().minusSeconds(60))));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"unauthenticated\"", "token is expired (exp)");
    }

    @Test
    void listRooms_withTokenExpiredWithinTheLeeway_isAccepted(SandboxInfo sandbox) throws Exception {
        // the server tolerates 10 s of clock skew
        HttpResponse<String> response = listRooms(sandbox, listRoomsToken(sandbox, t -> t.withExpiresAt(Instant.now().minusSeconds(3))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void listRooms_withTokenNotValidYet_isUnauthenticated(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = listRooms(sandbox, listRoomsToken(sandbox, t -> t.withNotBefore(Instant.now().plusSeconds(120))));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"unauthenticated\"", "token not valid yet (nbf)");
    }

    @Test
    void listRooms_withUnsignedAlgNoneToken_isUnauthenticated(SandboxInfo sandbox) throws Exception {
        String unsigned = listRoomsToken(sandbox, Algorithm.none(), t -> t);

        HttpResponse<String> response = listRooms(sandbox, unsigned);

        assertThat(decodeBase64Url(unsigned.split("\\.")[0])).contains("\"alg\":\"none\"");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"unauthenticated\"", "unexpected signing algorithm none");
    }

    @Test
    void listRooms_withAlgNoneHeaderOverAValidSignature_isUnauthenticated(SandboxInfo sandbox) throws Exception {
        String[] signed = listRoomsToken(sandbox, t -> t).split("\\.");
        String header = base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");

        HttpResponse<String> response = listRooms(sandbox, header + "." + signed[1] + "." + signed[2]);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"unauthenticated\"");
    }

    @Test
    void listParticipants_withGrantsTamperedAfterSigning_isUnauthenticated(SandboxInfo sandbox) throws Exception {
        io.livekit.server.AccessToken token = new io.livekit.server.AccessToken(sandbox.lkKey(), sandbox.lkSecret());
        token.addGrants(new io.livekit.server.RoomAdmin(true), new io.livekit.server.RoomName("voice:1180000000000000102"));
        String[] parts = token.toJwt().split("\\.");
        String claims = decodeBase64Url(parts[1]);
        String tampered = claims.replace("voice:1180000000000000102", SeedData.VOICE_ROOM);
        assertThat(tampered).isNotEqualTo(claims);

        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sandbox.livekitUrl() + "/twirp/livekit.RoomService/ListParticipants"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + parts[0] + "." + base64Url(tampered) + "." + parts[2])
                .POST(HttpRequest.BodyPublishers.ofString("{\"room\":\"" + SeedData.VOICE_ROOM + "\"}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"unauthenticated\"", "error in cryptographic primitive")
                .doesNotContain(SeedData.WELL_KNOWN_USER_ID);
    }

    @Test
    void listRooms_withTokenOfAnUnknownIssuer_isUnauthenticatedEvenWhenSignedWithTheSecret(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = listRooms(sandbox, listRoomsToken(sandbox, t -> t.withIssuer("APInotOurKey")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"code\":\"unauthenticated\",\"msg\":\"invalid API key: APInotOurKey\"}");
    }

    @Test
    void listRooms_withTokenWithoutIssuer_isUnauthenticated(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = listRooms(sandbox, listRoomsToken(sandbox, t -> t.withIssuer(null)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"unauthenticated\"", "invalid API key");
    }

    @Test
    void listRooms_withValidTokenWithoutTheRoomListGrant_isPermissionDenied(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = listRooms(sandbox, listRoomsToken(sandbox, t -> t.withClaim("video", Map.of("roomAdmin", true))));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("{\"code\":\"unauthenticated\",\"msg\":\"permissions denied\"}");
    }

    @Test
    void listRooms_withGrantsThatAreNotAnObject_isUnauthenticated(SandboxInfo sandbox) throws Exception {
        HttpResponse<String> response = listRooms(sandbox, listRoomsToken(sandbox, t -> t.withClaim("video", "roomList")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"code\":\"unauthenticated\"");
    }
}
