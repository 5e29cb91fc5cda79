// An earlier rotate-secrets for the drill tests: it rotates and redeploys as shipped, but its verify step
// only asks whether api and gateway are stable, which they are before any rotation too.
runbook("rotate-secrets", "Rotate Secrets")
    .section("Security Incidents")
    .param(choice("secret", "jwt", "db-password", "both"))
    .action("Rotate database password", () -> "db-password".equals(param("secret")) ? secret("db-password").rotate() : "not chosen")
    .action("Force ECS redeployment of api to pick up new secrets", () -> ecs("api").forceRedeploy().awaitStable())
    .action("Force ECS redeployment of gateway to pick up new secrets", () -> ecs("gateway").forceRedeploy().awaitStable())
    .verify("api and gateway are stable", () -> ecs("api").status().isStable() && ecs("gateway").status().isStable())
    .timeout(seconds(30)).every(seconds(2));
