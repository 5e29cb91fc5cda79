// policy.jsh in Groovy: a closure is the policy's check.
import io.discordination.ops.runbook.testing.Probe

runbook('policy') {
    title 'Refused up front'
    param 'allow', defaultValue: 'no'
    policy('allow must be yes') { param('allow') == 'yes' ? null : 'allow is ' + param('allow') }
    action('Append') { Probe.append('policy-marker', 'changed') }
}
