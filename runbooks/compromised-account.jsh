// Compromised User Account: sign the user out everywhere, close their WebSockets, and disable the account.
// Plan it first (shows the account, changes nothing):  ops plan compromised-account --param user=UUID
runbook("compromised-account", "Compromised User Account")
    .section("Security Incidents")
    .param(userId("user").description("The compromised account's user id"))
    .check("Check the account",
        "SELECT disabled, (SELECT count(*) FROM sessions WHERE user_id = '${user}') AS sessions FROM users WHERE id = '${user}';",
        () -> account(param("user")).status())
    .action("Invalidate all sessions", Account.INVALIDATE_SESSIONS,
        () -> account(param("user")).invalidateSessions())
    .action("Notify via Redis pub/sub to disconnect WebSocket", Redis.PUBLISH,
        () -> account(param("user")).forceDisconnect())
    .action("Disable account", Account.DISABLE,
        () -> account(param("user")).disable())
    .verify("The account is disabled and has no sessions", () -> {
            AccountStatus status = account(param("user")).status();
            return status.disabled() && status.sessions() == 0;
        })
    .timeout(seconds(30)).every(seconds(2));
