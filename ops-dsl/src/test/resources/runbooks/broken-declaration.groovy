// Declaring fails on line 5: two steps with one title.
runbook('broken-declaration') {
    title 'Broken Declaration'
    check('Same') { 1 }
    check('Same') { 3 }
}
