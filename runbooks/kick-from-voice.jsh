// Kick User from Voice: remove a participant from a voice channel's LiveKit room (they can rejoin).
// Plan it first (lists the room, removes no one):  ops plan kick-from-voice --param channel=ID --param user=IDENTITY
runbook("kick-from-voice", "Kick User from Voice")
    .section("Voice Service")
    .param(channelId("channel").description("The voice channel: its room is voice:<channel>"))
    .param(userId("user").description("The participant's identity: the user's id"))
    .check("List participants in the room",
        "livekit-cli list-participants --url ${livekit.url} --api-key $LK_KEY --api-secret $LK_SECRET --room voice:${channel}",
        () -> livekit().participants("voice:" + param("channel")))
    .action("Remove the participant", LiveKitRoom.REMOVE_PARTICIPANT,
        () -> livekit().room("voice:" + param("channel")).remove(param("user")))
    .verify("The user is no longer in the room", () -> {
            try {
                return livekit().participants("voice:" + param("channel")).find(param("user")).isEmpty();
            } catch (OpsException.NotFoundException roomClosed) {
                return true; // LiveKit closes a room when its last participant leaves
            }
        })
    .timeout(seconds(30)).every(seconds(2));
