// line 1
runbook("broken-compile", "Broken")
    .check("Fine", () -> 1)
    .check("Typo", () -> undefinedThing(3))
    .advice("Never reached");
