// An ad-hoc read as a check step: what an operator writes to look at the database during an incident.
runbook("query", "Ad-hoc query")
    .param(string("sql").description("one SELECT"))
    .check("Run the query", () -> postgres().query(param("sql")));
