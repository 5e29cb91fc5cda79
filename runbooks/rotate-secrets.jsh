// Rotate Secrets: rotate the JWT secret and/or the database password, then restart api and gateway to read them.
// Plan it first (shows the secrets' versions, rotates nothing):  ops plan rotate-secrets --param secret=jwt|db-password|both
//
// Each secret is rotated by its rotation function (for the database password it changes the password in
// PostgreSQL), and the step returns only when the new version is AWSCURRENT and none is AWSPENDING, so the
// restarts below read the new values. A secret without a rotation function is refused, in every environment,
// by a policy checked before the first step: only the stored value would change (PostgreSQL would keep the old
// password), and with secret=both the JWT secret is then not rotated either, rather than rotated with no
// redeployment after it.

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
    .policy("Every chosen secret is rotated only by its rotation function", () -> {
            for (String name : chosenSecrets()) {
                SecretsManagerSecret chosen = secret(name);
                if (chosen.describe().rotationConfigured()) continue;
                return chosen.secretId() + " has no rotation function, so only the stored value would change (for the database "
                    + "password PostgreSQL would keep the old one); configure its rotation (aws secretsmanager rotate-secret "
                    + "--secret-id " + chosen.secretId() + " --rotation-lambda-arn ...) and run again";
            }
            return null;
        })
    .check("Check the JWT secret's versions and rotation", "aws secretsmanager describe-secret --secret-id ${secrets.jwt-secret}",
        () -> chosenSecrets().contains("jwt-secret") ? secret("jwt-secret").describe() : "not chosen: secret=" + param("secret"))
    .check("Check the database password's versions and rotation",
        "aws secretsmanager describe-secret --secret-id ${secrets.db-password}",
        () -> chosenSecrets().contains("db-password") ? secret("db-password").describe() : "not chosen: secret=" + param("secret"))
    .action("Rotate JWT secret (causes all sessions to invalidate)", SecretsManagerSecret.ROTATE,
        () -> chosenSecrets().contains("jwt-secret") ? secret("jwt-secret").rotate() : "not chosen: secret=" + param("secret"))
    .action("Rotate database password", SecretsManagerSecret.ROTATE,
        () -> chosenSecrets().contains("db-password") ? secret("db-password").rotate() : "not chosen: secret=" + param("secret"))
    // one service after the other, each waited for: never both tiers restarting at once, and --resume skips a finished one
    .action("Force ECS redeployment of api to pick up new secrets", EcsService.FORCE_REDEPLOY,
        () -> ecs("api").forceRedeploy().awaitStable())
    .action("Force ECS redeployment of gateway to pick up new secrets", EcsService.FORCE_REDEPLOY,
        () -> ecs("gateway").forceRedeploy().awaitStable())
    // stable alone holds before the rotation too: each chosen secret must have a new AWSCURRENT (none pending),
    // and both services must run only tasks started after it, so they read the new value
    .verify("Each chosen secret has a new current version; api and gateway are stable on tasks started after it", () -> {
            java.time.Instant rotatedAt = null;
            for (String name : chosenSecrets()) {
                Object before = result(name.equals("jwt-secret") ? "Check the JWT secret's versions and rotation"
                    : "Check the database password's versions and rotation");
                SecretInfo now = secret(name).describe();
                if (!(before instanceof SecretInfo was) || now.currentVersionId() == null
                        || now.currentVersionId().equals(was.currentVersionId()) || now.versionWith("AWSPENDING") != null) {
                    return false;
                }
                for (SecretInfo.Version v : now.versions()) {
                    if (v.versionId().equals(now.currentVersionId()) && v.createdAt() != null
                            && (rotatedAt == null || v.createdAt().isAfter(rotatedAt))) rotatedAt = v.createdAt();
                }
            }
            for (String service : List.of("api", "gateway")) {
                if (!ecs(service).status().isStable()) return false;
                for (EcsTask task : ecs(service).tasks().tasks()) {
                    if (!"RUNNING".equals(task.lastStatus())) continue;
                    if (rotatedAt != null && (task.startedAt() == null || task.startedAt().isBefore(rotatedAt))) return false;
                }
            }
            return true;
        })
    .timeout(minutes(5)).every(seconds(10));
