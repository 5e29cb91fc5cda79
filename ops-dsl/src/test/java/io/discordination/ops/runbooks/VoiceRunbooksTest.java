package io.discordination.ops.runbooks;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Voice Service runbooks, livekit-health and kick-from-voice, planned and run against the
 * sandbox's LiveKit emulator through the {@code ops} command line; who is in a room is read with
 * LiveKit's own server SDK. In order: reads, the plan and the refusal before the kick.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VoiceRunbooksTest {
    private static final String CHANNEL = "channel=" + SeedData.VOICE_CHANNEL_ID;
    private static final String USER = "user=" + SeedData.WELL_KNOWN_USER_ID;

    /** One OPS_HOME for the class, so each script compiles once. */
    @TempDir
    static Path home;

    @Test
    @Order(1)
    void livekitHealth_run_whenARoomIsGiven_showsHealthTheRoomsAndItsParticipants(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        List<String> before = ops.participants(SeedData.VOICE_ROOM);

        Cli.Result r = ops.run("livekit-health", "room=" + SeedData.VOICE_ROOM);

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("1. Check LiveKit service status  [check]", "$ curl -s " + sandbox.livekitUrl() + "/healthz",
                "healthy  yes", "2. List active rooms  [check]",
                "$ livekit-cli list-rooms --url " + sandbox.livekitUrl() + " --api-key $LK_KEY --api-secret $LK_SECRET",
                "3. List participants in a room  [check]", "--room " + SeedData.VOICE_ROOM,
                before.size() + " participants in " + SeedData.VOICE_ROOM, SeedData.WELL_KNOWN_USER_ID, SeedData.WELL_KNOWN_USERNAME,
                "4. LiveKit answers its health check  [verify]", "held after", "finished ok");
        assertThat(r.out()).contains(SeedData.VOICE_ROOMS);
        assertThat(r.all()).doesNotContain(sandbox.lkSecret());
        assertThat(ops.participants(SeedData.VOICE_ROOM)).isEqualTo(before);
    }

    @Test
    @Order(1)
    void livekitHealth_plan_whenNoRoomIsGiven_listsTheRoomsAndSaysHowToPickOne(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);

        Cli.Result r = ops.plan("livekit-health");

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("healthy  yes", SeedData.VOICE_ROOMS.get(2),
                "No room given: list one with --param room=voice:<channel_id>", "would verify", "Nothing was changed.");
    }

    @Test
    @Order(1)
    void livekitHealth_run_whenTheRoomDoesNotExist_failsNamingIt(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);

        Cli.Result r = ops.runWithoutYes("livekit-health", "room=voice:42");

        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).contains("step 3 'List participants in a room' failed: No LiveKit room 'voice:42'");
    }

    @Test
    @Order(2)
    void kickFromVoice_plan_whenTheUserIsInTheRoom_showsTheRemovalAndRemovesNoOne(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        List<String> before = ops.participants(SeedData.VOICE_ROOM);

        Cli.Result r = ops.plan("kick-from-voice", CHANNEL, USER);

        assertThat(before).contains(SeedData.WELL_KNOWN_USER_ID);
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("1. List participants in the room  [check]", SeedData.WELL_KNOWN_USER_ID,
                "2. Remove the participant  [action]",
                "$ livekit-cli remove-participant --url " + sandbox.livekitUrl() + " --api-key \"$LK_KEY\" --api-secret \"$LK_SECRET\" --room "
                        + SeedData.VOICE_ROOM + " --identity " + SeedData.WELL_KNOWN_USER_ID,
                "would: remove-participant room " + SeedData.VOICE_ROOM + "  (destructive)",
                "3. The user is no longer in the room  [verify]", "Nothing was changed.");
        assertThat(ops.participants(SeedData.VOICE_ROOM)).isEqualTo(before);
    }

    @Test
    @Order(3)
    void kickFromVoice_run_whenChannelIsNotASnowflake_exitsTwoBeforeAnyCall(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        List<String> before = ops.participants(SeedData.VOICE_ROOM);

        Cli.Result r = ops.run("kick-from-voice", "channel=voice:" + SeedData.VOICE_CHANNEL_ID, USER);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
        assertThat(r.err()).contains("parameter 'channel': expected a channel id of 1 to 20 digits");
        assertThat(r.out()).isEmpty();
        assertThat(ops.participants(SeedData.VOICE_ROOM)).isEqualTo(before);
    }

    @Test
    @Order(4)
    void kickFromVoice_run_whenNoTerminalAndNoYes_exitsThreeAndKeepsTheParticipant(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);

        Cli.Result r = ops.runWithoutTerminal("kick-from-voice", CHANNEL, USER);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("Refused: remove-participant room " + SeedData.VOICE_ROOM, "re-run with --yes");
        assertThat(ops.participants(SeedData.VOICE_ROOM)).contains(SeedData.WELL_KNOWN_USER_ID);
    }

    @Test
    @Order(5)
    void kickFromVoice_run_whenConfirmed_removesThatParticipantOnly(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        List<String> others = new ArrayList<>(ops.participants(SeedData.VOICE_ROOM));
        boolean wasThere = others.remove(SeedData.WELL_KNOWN_USER_ID);

        Cli.Result r = ops.run("kick-from-voice", CHANNEL, USER);

        assertThat(wasThere).isTrue();
        assertThat(others).isNotEmpty();
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Removed " + SeedData.WELL_KNOWN_USER_ID + " from " + SeedData.VOICE_ROOM, "held after", "finished ok");
        assertThat(ops.participants(SeedData.VOICE_ROOM)).doesNotContain(SeedData.WELL_KNOWN_USER_ID).containsExactlyElementsOf(others);
    }

    @Test
    @Order(6)
    void kickFromVoice_run_whenTheUserIsNoLongerInTheRoom_failsWithNotFoundAndChangesNothing(SandboxInfo sandbox) {
        AreaBRunbookSupport ops = new AreaBRunbookSupport(sandbox, home);
        List<String> before = ops.participants(SeedData.VOICE_ROOM);

        Cli.Result r = ops.run("kick-from-voice", CHANNEL, USER);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).contains("No participant '" + SeedData.WELL_KNOWN_USER_ID + "' in LiveKit room '" + SeedData.VOICE_ROOM + "'");
        assertThat(ops.participants(SeedData.VOICE_ROOM)).isEqualTo(before);
    }
}
