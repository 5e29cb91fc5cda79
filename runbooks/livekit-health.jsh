// LiveKit Cluster Health: is the voice cluster up, which rooms are active, who is in a room.
// Plan it first (it only reads):  ops plan livekit-health --param room=voice:1180000000000000101
runbook("livekit-health", "LiveKit Cluster Health")
    .section("Voice Service")
    .param(roomName("room").optional()
        .description("A room whose participants to list, such as voice:<channel_id>"))
    .check("Check LiveKit service status", "curl -s ${livekit.url}/healthz", () -> livekit().health())
    .check("List active rooms", "livekit-cli list-rooms --url ${livekit.url} --api-key $LK_KEY --api-secret $LK_SECRET",
        () -> livekit().rooms())
    .check("List participants in a room",
        "livekit-cli list-participants --url ${livekit.url} --api-key $LK_KEY --api-secret $LK_SECRET --room ${room}",
        () -> {
            String room = param("room");
            if (room == null) return "No room given: list one with --param room=voice:<channel_id> (the names are above).";
            return livekit().participants(room);
        })
    .verify("LiveKit answers its health check", () -> livekit().health().healthy())
    .timeout(seconds(30)).every(seconds(5));
