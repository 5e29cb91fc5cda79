// Drain a voice room: a raid fills a voice channel with unknown accounts; remove everyone, then
// check it stays empty. Plan it first:  ./ops plan examples/runbooks/drain-voice-room.groovy --param channel=ID
runbook('drain-voice-room') {
    title 'Drain a Voice Room'
    section 'Voice Service'
    symptoms 'A voice channel is raided: many unknown participants, abuse reports from its members.'
    param 'channel', type: 'channelId', description: 'The raided voice channel (its room is voice:<channel>)'

    check('List the participants',
            'livekit-cli list-participants --url $LIVEKIT_URL --api-key $LK_KEY --api-secret $LK_SECRET --room voice:${channel}') {
        livekit().participants("voice:${param('channel')}")
    }
    // one effect per participant, each showing its own livekit-cli command
    action('Remove every participant', LiveKitRoom.REMOVE_PARTICIPANT) {
        def room = livekit().room("voice:${param('channel')}")
        result('List the participants').participants().collect { room.remove(it.identity()) }
    }
    advice 'Lock the channel before members rejoin',
            'Set the channel to invite-only in the admin console, then tell its moderators in #trust-and-safety.'
    verify('The room is empty') {
        livekit().participants("voice:${param('channel')}").participants().isEmpty()
    }
    timeout seconds(30)
    every seconds(2)
}
