package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import io.livekit.server.RoomServiceClient;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import retrofit2.Response;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

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
}
