package io.discordination.ops.livekit;

import io.discordination.ops.OpsContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.env.Environment;
import io.discordination.ops.gate.AuditLog;
import io.discordination.ops.gate.Confirmer;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.gate.Mode;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import io.livekit.server.RoomServiceClient;
import livekit.LivekitModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The LiveKit handle against the sandbox's LiveKit emulator, checked with the LiveKit server SDK
 * used directly.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class LiveKitTest {
    @TempDir
    Path home;

    private OpsContext context(SandboxInfo info, Mode mode, boolean yes) {
        return OpsContext.builder().environment(Environment.load(info.environmentFile())).opsHome(home).mode(mode)
                .confirmer(Confirmer.nonInteractive(yes, null)).build();
    }

    /** The same environment with one livekit setting changed, for wrong secrets and unreachable servers. */
    private OpsContext contextWith(SandboxInfo info, String key, String value) throws Exception {
        String original = Files.readString(info.environmentFile());
        int section = original.indexOf("\nlivekit:");
        String yaml = original.substring(0, section)
                + original.substring(section).replaceAll("(?m)^(  " + key + ": ).*$", "$1" + value);
        Path file = home.resolve("changed.yaml");
        Files.writeString(file, yaml);
        return OpsContext.builder().environment(Environment.load(file)).opsHome(home).build();
    }

    private static RoomServiceClient sdk(SandboxInfo info) {
        return RoomServiceClient.createClient(info.livekitUrl(), info.lkKey(), info.lkSecret());
    }

    private static List<String> identities(SandboxInfo info, String room) throws Exception {
        List<LivekitModels.ParticipantInfo> list = sdk(info).listParticipants(room).execute().body();
        return list.stream().map(LivekitModels.ParticipantInfo::getIdentity).toList();
    }

    @Test
    void health_whenEmulatorUp_isHealthy(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            LiveKitHealth health = ctx.livekit().health();

            assertThat(health.healthy()).isTrue();
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.url()).isEqualTo(info.livekitUrl() + "/healthz");
        }
    }

    @Test
    void rooms_whenSeeded_listsWhatTheSdkLists(SandboxInfo info) throws Exception {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            Rooms rooms = ctx.livekit().rooms();

            List<String> expected = sdk(info).listRooms().execute().body().stream().map(LivekitModels.Room::getName).toList();
            assertThat(rooms.rooms()).extracting(Rooms.Room::name).containsExactlyInAnyOrderElementsOf(expected)
                    .containsAll(SeedData.VOICE_ROOMS);
            assertThat(rooms.toString()).contains(SeedData.VOICE_ROOM);
        }
    }

    @Test
    void participants_whenWellKnownRoom_includesTheWellKnownUser(SandboxInfo info) throws Exception {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            Participants participants = ctx.livekit().participants(SeedData.VOICE_ROOM);

            assertThat(participants.participants()).extracting(Participants.Participant::identity)
                    .containsExactlyInAnyOrderElementsOf(identities(info, SeedData.VOICE_ROOM))
                    .contains(SeedData.WELL_KNOWN_USER_ID);
            assertThat(participants.find(SeedData.WELL_KNOWN_USER_ID)).get()
                    .satisfies(p -> assertThat(p.name()).isEqualTo(SeedData.WELL_KNOWN_USERNAME));
        }
    }

    @Test
    void remove_whenParticipantPresent_kicksOnlyThem(SandboxInfo info) throws Exception {
        String room = SeedData.VOICE_ROOM;
        List<String> before = identities(info, room);
        try (OpsContext ctx = context(info, Mode.EXECUTE, true)) {
            ParticipantRemoved removed = ctx.livekit().room(room).remove(SeedData.WELL_KNOWN_USER_ID);

            assertThat(removed.planned()).isFalse();
            assertThat(identities(info, room)).containsExactlyInAnyOrderElementsOf(
                    before.stream().filter(id -> !id.equals(SeedData.WELL_KNOWN_USER_ID)).toList());
            List<AuditLog.Record> audit = ctx.gate().audit().read();
            assertThat(audit).extracting(AuditLog.Record::event).containsExactly("started", "ok");
            Effect effect = audit.get(0).effect();
            assertThat(effect.destructive()).isTrue();
            assertThat(effect.command()).isEqualTo("livekit-cli remove-participant --url " + info.livekitUrl()
                    + " --api-key \"$LK_KEY\" --api-secret \"$LK_SECRET\" --room " + room + " --identity " + SeedData.WELL_KNOWN_USER_ID);
            assertThat(effect.toString() + audit).doesNotContain(info.lkSecret());
        }
    }

    @Test
    void remove_whenDryRun_plansTheKickAndKeepsTheParticipant(SandboxInfo info) throws Exception {
        String room = SeedData.VOICE_ROOMS.get(1);
        String identity = identities(info, room).get(0);
        try (OpsContext ctx = context(info, Mode.DRY_RUN, false)) {
            ParticipantRemoved planned = ctx.livekit().room(room).remove(identity);

            assertThat(planned.planned()).isTrue();
            assertThat(identities(info, room)).contains(identity);
            assertThat(ctx.plan().effects()).singleElement().satisfies(e -> assertThat(e.verb()).isEqualTo("remove-participant"));
        }
    }

    @Test
    void remove_whenAnotherKickRemovedThemAfterTheCheck_saysTheParticipantIsGoneNotTheRoom(SandboxInfo info) throws Exception {
        String room = SeedData.VOICE_ROOM;
        List<String> before = identities(info, room);
        assertThat(before).hasSizeGreaterThan(1);
        String identity = before.stream().filter(id -> !id.equals(SeedData.WELL_KNOWN_USER_ID)).findFirst().orElseThrow();
        // the racing kick: while this one asks for confirmation (after its check), another client removes the participant
        BufferedReader racingKick = new BufferedReader(new StringReader("")) {
            @Override
            public String readLine() {
                try {
                    sdk(info).removeParticipant(room, identity).execute();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return "y";
            }
        };
        Confirmer confirmer = Confirmer.streams(racingKick, new PrintStream(new java.io.ByteArrayOutputStream(), true), false);
        try (OpsContext ctx = OpsContext.builder().environment(Environment.load(info.environmentFile())).opsHome(home)
                .confirmer(confirmer).build()) {
            assertThatThrownBy(() -> ctx.livekit().room(room).remove(identity))
                    .isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("Participant '" + identity + "' is no longer in LiveKit room '" + room + "'")
                    .hasMessageNotContaining("No LiveKit room");
            assertThat(identities(info, room)).doesNotContain(identity);
            assertThat(ctx.gate().audit().read()).extracting(AuditLog.Record::event).containsExactly("started", "failed");
        }
    }

    @Test
    void remove_whenParticipantAbsent_failsNotFoundBeforeAnyEffect(SandboxInfo info) throws Exception {
        String room = SeedData.VOICE_ROOMS.get(2);
        List<String> before = identities(info, room);
        try (OpsContext ctx = context(info, Mode.EXECUTE, true)) {
            assertThatThrownBy(() -> ctx.livekit().room(room).remove("no-such-user"))
                    .isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("No participant 'no-such-user' in LiveKit room '" + room + "'");
            assertThat(identities(info, room)).isEqualTo(before);
            assertThat(ctx.gate().audit().read()).isEmpty();
        }
    }

    @Test
    void participants_whenRoomDoesNotExist_failsNotFoundNamingTheRoom(SandboxInfo info) {
        try (OpsContext ctx = context(info, Mode.EXECUTE, false)) {
            assertThatThrownBy(() -> ctx.livekit().participants("voice:0"))
                    .isInstanceOf(OpsException.NotFoundException.class)
                    .hasMessageContaining("No LiveKit room 'voice:0'")
                    .hasMessageContaining(SeedData.VOICE_ROOM);
        }
    }

    @Test
    void rooms_whenSecretWrong_failsUnauthenticatedWithoutTheSecret(SandboxInfo info) throws Exception {
        try (OpsContext ctx = contextWith(info, "apiSecret", "Wrong-Secret-7731")) {
            assertThatThrownBy(() -> ctx.livekit().rooms())
                    .isInstanceOf(OpsException.AccessDeniedException.class)
                    .hasMessageContaining("LiveKit rejected the API key/secret (unauthenticated)")
                    .hasMessageContaining("LK_KEY/LK_SECRET")
                    .hasMessageNotContaining("Wrong-Secret-7731");
        }
    }

    @Test
    void health_whenServerUnreachable_failsNamingTheUrl(SandboxInfo info) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (OpsContext ctx = contextWith(info, "url", "http://127.0.0.1:" + port)) {
            assertThatThrownBy(() -> ctx.livekit().health())
                    .isInstanceOf(OpsException.class)
                    .hasMessageContaining("Cannot reach LiveKit at http://127.0.0.1:" + port)
                    .hasMessageContaining("LIVEKIT_URL");
        }
    }
}
