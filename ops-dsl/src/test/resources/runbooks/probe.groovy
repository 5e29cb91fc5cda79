// The same runbook as probe.jsh: plans and runs must match.
import io.discordination.ops.runbook.testing.Probe

runbook('probe') {
    title 'Probe Runbook'
    section 'Service Recovery'
    symptoms 'A test of every step kind.'
    param 'label', description: 'What to write'
    param 'since', type: 'duration', defaultValue: '10m'
    param 'mode', choices: ['fast', 'careful'], defaultValue: 'fast'
    check('Read the marker', 'cat ${logs.probe}/marker') { Probe.lines('marker') }
    action('Write the marker', Probe.APPEND) {
        Probe.append('marker', "${param('label')} ${param('mode')} ${param('since').toMinutes()}m".toString())
    }
    advice 'Tell the team', 'Post in #ops that the marker was written.'
    verify('The marker is there') { Probe.lines('marker').size() == result('Read the marker').size() + 1 }
    timeout seconds(5)
    every Duration.ofMillis(100)
}
