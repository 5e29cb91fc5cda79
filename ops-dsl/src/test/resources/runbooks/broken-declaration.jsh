// Declaring fails on line 5: two steps with one title.
runbook("broken-declaration", "Broken Declaration")
    .check("Same", () -> 1)
    .check("Other", () -> 2)
    .check("Same", () -> 3);
