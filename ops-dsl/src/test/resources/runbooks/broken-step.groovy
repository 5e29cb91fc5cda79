// A step that fails at run time, on line 7.
import io.discordination.ops.runbook.testing.Probe

runbook('broken-step') {
    title 'Broken Step'
    check('Fine') { 1 }
    check('Breaks') { Probe.fail('the probe broke') }
    action('Never reached') { Probe.append('broken-marker', 'ran') }
}
