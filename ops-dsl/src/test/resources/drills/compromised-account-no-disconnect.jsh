// A wrong edit of compromised-account for the drill tests: it forgets to tell the gateway, so the
// attacker's WebSocket stays connected although the sessions are gone and the account is disabled.
runbook("compromised-account", "Compromised User Account")
    .section("Security Incidents")
    .param(userId("user"))
    .action("Invalidate all sessions", () -> account(param("user")).invalidateSessions())
    .action("Disable account", () -> account(param("user")).disable())
    .verify("The account is disabled and has no sessions", () -> {
            AccountStatus status = account(param("user")).status();
            return status.disabled() && status.sessions() == 0;
        })
    .timeout(seconds(10)).every(seconds(2));
