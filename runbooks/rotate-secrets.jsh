// Rotate Secrets: rotate the JWT secret and/or the database password, then restart api and gateway to read them.
// Plan it first (shows the secrets' versions, rotates nothing):  ops plan rotate-secrets --param secret=jwt|db-password|both
//
// Where a secret has no rotation function, Secrets Manager cannot rotate it; the library then puts a new random
// value as AWSCURRENT and nothing else. For the JWT secret that is the rotation. For the database password it
// would leave PostgreSQL on the old password and the restarted services unable to connect, so in a protected
// environment (prod) that case is refused by a policy, checked before the first step: with secret=both the JWT
// secret is then not rotated either, rather than rotated with no redeployment after it.

/** The secrets the run rotates, by short name, in the seed's order. */
List<String> chosenSecrets() {
    String secret = param("secret");
    return switch (secret) {
        case "jwt" -> List.of("jwt-secret");
        case "db-password" -> List.of("db-password");
        default -> List.of("jwt-secret", "db-password");
    };
}

runbook("rotate-secrets", "Rotate Secrets")
    .section("Security Incidents")
    .param(choice("secret", "jwt", "db-password", "both")
        .description("jwt: the JWT signing secret (every session is invalidated); db-password: the database password; both"))
    .policy("In a protected environment the database password is rotated only by its rotation function", () -> {
            if (!chosenSecrets().contains("db-password") || !environment().isProtected()) return null;
            SecretsManagerSecret password = secret("db-password");
            if (password.describe().rotationConfigured()) return null;
            return password.secretId() + " has no rotation function, so only the stored value would change and PostgreSQL "
                + "would keep the old password; configure rotation for it (aws secretsmanager rotate-secret --rotation-lambda-arn ...) "
                + "and run again";
        })
    .check("Check the JWT secret's versions and rotation", "aws secretsmanager describe-secret --secret-id ${secrets.jwt-secret}",
        () -> chosenSecrets().contains("jwt-secret") ? secret("jwt-secret").describe() : "not chosen: secret=" + param("secret"))
    .check("Check the database password's versions and rotation",
        "aws secretsmanager describe-secret --secret-id ${secrets.db-password}",
        () -> chosenSecrets().contains("db-password") ? secret("db-password").describe() : "not chosen: secret=" + param("secret"))
    .action("Rotate JWT secret (causes all sessions to invalidate)",
        "aws secretsmanager rotate-secret --secret-id ${secrets.jwt-secret}",
        () -> chosenSecrets().contains("jwt-secret") ? secret("jwt-secret").rotate() : "not chosen: secret=" + param("secret"))
    .action("Rotate database password", "aws secretsmanager rotate-secret --secret-id ${secrets.db-password}",
        () -> chosenSecrets().contains("db-password") ? secret("db-password").rotate() : "not chosen: secret=" + param("secret"))
    // one service after the other, each waited for: never both tiers restarting at once, and --resume skips a finished one
    .action("Force ECS redeployment of api to pick up new secrets",
        "aws ecs update-service --cluster ${ecs.cluster} --service ${ecs.services.api} --force-new-deployment",
        () -> ecs("api").forceRedeploy().awaitStable(minutes(10)))
    .action("Force ECS redeployment of gateway to pick up new secrets",
        "aws ecs update-service --cluster ${ecs.cluster} --service ${ecs.services.gateway} --force-new-deployment",
        () -> ecs("gateway").forceRedeploy().awaitStable(minutes(10)))
    .verify("api and gateway are stable", () -> ecs("api").status().isStable() && ecs("gateway").status().isStable())
    .timeout(minutes(5)).every(seconds(10));
