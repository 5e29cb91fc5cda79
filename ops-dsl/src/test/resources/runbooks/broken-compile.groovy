// line 1
runbook('broken-compile') {
    title 'Broken'
    check('Fine') { 1 }
    check('Typo') { (1 + }
}
