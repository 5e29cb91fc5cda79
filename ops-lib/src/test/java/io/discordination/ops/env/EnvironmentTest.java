package io.discordination.ops.env;

import io.discordination.ops.OpsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentTest {
    private static final Path ENVIRONMENTS = Path.of(System.getProperty("ops.root", "..")).resolve("environments");
    private static final Map<String, String> PROD_VARIABLES = Map.of(
            "PRIVATE_SUBNETS", "subnet-0a1,subnet-0b2",
            "DB_SG", "sg-0c3",
            "DATABASE_URL", "postgresql://app:pg-Pa55word@db.internal:5432/discordination",
            "REDIS_URL", "redis://:redis-Pa55word@cache.internal:6379",
            "IP_SET_ID", "ipset-1234",
            "LK_KEY", "APIkey123",
            "LK_SECRET", "lk-secret-value-42");

    @TempDir
    Path tmp;

    private Environment prod(Map<String, String> variables) {
        return Environment.named("prod", tmp, ENVIRONMENTS, variables::get);
    }

    @Test
    void named_whenProd_readsTheRunbooksRealNames() {
        Environment env = prod(PROD_VARIABLES);

        assertThat(env.name()).isEqualTo("prod");
        assertThat(env.isProtected()).isTrue();
        assertThat(env.topology().ecs().cluster().required()).isEqualTo("discordination-prod");
        assertThat(env.topology().ecs().services().keySet()).containsExactly("api", "gateway");
        assertThat(env.topology().ecs().taskDefinitions().get("migrate").required()).isEqualTo("discordination-migrate");
        assertThat(env.topology().ecs().taskDefinitions().get("cleanup").required()).isEqualTo("discordination-cleanup");
        assertThat(env.topology().logs().groups().get("api").required()).isEqualTo("/ecs/discordination-api");
        assertThat(env.topology().logs().groups().get("migrate").required()).isEqualTo("/ecs/discordination-migrate");
        assertThat(env.topology().rds().instance().required()).isEqualTo("discordination-prod");
        assertThat(env.topology().postgres().database().required()).isEqualTo("discordination");
        assertThat(env.topology().s3().bucket().required()).isEqualTo("discordination-files");
        assertThat(env.topology().waf().ipSet().name().required()).isEqualTo("blocked-ips");
        assertThat(env.topology().waf().ipSet().scope().required()).isEqualTo("REGIONAL");
        assertThat(env.topology().waf().ipSet().id().required()).isEqualTo("ipset-1234");
        assertThat(env.topology().secrets().ids().get("jwt-secret").required()).isEqualTo("discordination/jwt-secret");
        assertThat(env.topology().secrets().ids().get("db-password").required()).isEqualTo("discordination/db-password");
        assertThat(env.topology().ecs().network().subnets().values()).containsExactly("subnet-0a1", "subnet-0b2");
        assertThat(env.topology().livekit().apiSecret().required()).isEqualTo("lk-secret-value-42");
        assertThat(env.topology().aws().endpoint().optional()).isEmpty();
        assertThat(env.topology().aws().regionOrDefault()).isEqualTo("us-east-1");
    }

    @Test
    void string_whenVariableMissing_namesTheVariableAndTheFile() {
        Environment env = prod(Map.of());

        assertThatThrownBy(() -> env.topology().redis().url().required())
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("REDIS_URL")
                .hasMessageContaining("prod.yaml")
                .hasMessageContaining("redis.url");
        // values without variables still resolve: an operator who only redeploys needs no REDIS_URL
        assertThat(env.topology().ecs().cluster().required()).isEqualTo("discordination-prod");
        assertThat(env.missingVariables()).contains("REDIS_URL", "DATABASE_URL", "LK_SECRET", "IP_SET_ID");
    }

    @Test
    void string_whenDefaultGiven_usesItOnlyWhenTheVariableIsUnset() {
        assertThat(prod(Map.of()).topology().aws().regionOrDefault()).isEqualTo("us-east-1");
        assertThat(prod(Map.of("AWS_REGION", "eu-west-1")).topology().aws().regionOrDefault()).isEqualTo("eu-west-1");
        assertThat(prod(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")).topology().aws().endpoint().optional().map(java.net.URI::create))
                .hasValueSatisfying(uri -> assertThat(uri.getPort()).isEqualTo(5000));
    }

    @Test
    void describe_whenSecretsSet_masksThemAndKeepsUrlHosts() {
        Map<String, String> shown = prod(PROD_VARIABLES).describe();

        assertThat(shown.get("livekit.apiSecret")).isEqualTo("****");
        assertThat(shown.get("postgres.url")).isEqualTo("postgresql://app:****@db.internal:5432/discordination");
        assertThat(shown.get("redis.url")).isEqualTo("redis://:****@cache.internal:6379");
        assertThat(shown.get("secrets.jwt-secret")).isEqualTo("discordination/jwt-secret");
        assertThat(String.join(" ", shown.values()))
                .doesNotContain("pg-Pa55word", "redis-Pa55word", "lk-secret-value-42");
    }

    @Test
    void secrets_whenUrlsCarryPasswords_includesThePasswordsThemselves() {
        assertThat(prod(PROD_VARIABLES).secrets()).extracting(s -> s.reveal())
                .contains("pg-Pa55word", "redis-Pa55word", "lk-secret-value-42");
    }

    @Test
    void named_whenUnknown_listsTheKnownEnvironments() {
        assertThatThrownBy(() -> Environment.named("prdo", tmp, ENVIRONMENTS, k -> null))
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("prdo")
                .hasMessageContaining("prod");
    }

    @Test
    void named_whenLocalSandboxNotUp_saysHowToStartIt() {
        assertThatThrownBy(() -> Environment.named("local", tmp, ENVIRONMENTS, k -> null))
                .isInstanceOf(OpsException.NotFoundException.class)
                .hasMessageContaining("ops sandbox up");
    }

    @Test
    void named_whenNameHasPathCharacters_isRejected() {
        assertThatThrownBy(() -> Environment.named("../etc", tmp, ENVIRONMENTS, k -> null))
                .isInstanceOf(OpsException.class);
        assertThatThrownBy(() -> Environment.named("prod;rm", tmp, ENVIRONMENTS, k -> null))
                .isInstanceOf(OpsException.InvalidInputException.class);
    }

    @Test
    void shortNames_whenShortNameUnknown_listsTheKnownOnes() {
        Environment env = prod(PROD_VARIABLES);
        var place = new io.discordination.ops.HandleContext.Place(env.name(), env.source(), env.topology().aws());
        assertThatThrownBy(() -> io.discordination.ops.aws.ShortNames.resolve(env.topology().ecs().services(), "ecs.services", "apii", "ECS service", place))
                .isInstanceOf(OpsException.NotFoundException.class)
                .hasMessageContaining("apii")
                .hasMessageContaining("api, gateway");
    }

    @Test
    void load_whenFileIsNotYaml_isAClearError() throws IOException {
        Path broken = Files.writeString(tmp.resolve("broken.yaml"), "name: [unclosed\n");
        assertThatThrownBy(() -> Environment.load(broken))
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("broken.yaml");
    }

    @Test
    void describe_whenUrlPasswordsHoldAnyCharacter_masksThemAndRegistersThem() {
        for (String password : java.util.List.of("pg#Pa55/w?rd@x", "pg Pa55 'w\"rd", "pg%zzPa55word")) {
            Map<String, String> variables = new java.util.HashMap<>(PROD_VARIABLES);
            variables.put("DATABASE_URL", "postgresql://app:" + password + "@db.internal:5432/discordination");
            variables.put("REDIS_URL", "redis://:" + password + "@h1:6379,h2:6379");
            Environment env = prod(variables);

            Map<String, String> shown = env.describe();

            assertThat(shown.get("postgres.url")).isEqualTo("postgresql://app:****@db.internal:5432/discordination");
            assertThat(shown.get("redis.url")).isEqualTo("redis://:****@h1:6379,h2:6379");
            assertThat(String.join(" ", shown.values())).doesNotContain(password, "Pa55");
            assertThat(env.secrets()).extracting(s -> s.reveal()).contains(password);
        }
    }

    @Test
    void describe_whenPasswordIsAParameter_masksIt() {
        Map<String, String> variables = new java.util.HashMap<>(PROD_VARIABLES);
        variables.put("DATABASE_URL", "jdbc:postgresql://db.internal:5432/discordination?user=app&password=jdbc-Pa55word&ssl=true");
        variables.put("REDIS_URL", "redis://cache.internal:6379?password=redis-Pa55word");

        Map<String, String> shown = prod(variables).describe();

        assertThat(shown.get("postgres.url")).isEqualTo("jdbc:postgresql://db.internal:5432/discordination?user=app&password=****&ssl=true");
        assertThat(shown.get("redis.url")).isEqualTo("redis://cache.internal:6379?password=****");
    }

    @Test
    void describe_whenAnySettingCarriesACredential_masksIt() throws IOException {
        Path file = Files.writeString(tmp.resolve("odd.yaml"), """
                name: odd
                livekit:
                  url: https://key:lk-url-Pa55word@livekit.internal
                aws:
                  endpoint: http://moto.internal:5000/?token=aws-T0ken-value
                s3:
                  bucket: ${LK_SECRET}-suffix
                rds:
                  restoreTarget: ${SOME_TOKEN}
                """);
        Environment env = Environment.load(file, Map.of("LK_SECRET", "lk-secret-value-42", "SOME_TOKEN", "t0k")::get);

        Map<String, String> shown = env.describe();

        assertThat(shown.get("livekit.url")).isEqualTo("https://key:****@livekit.internal");
        assertThat(shown.get("aws.endpoint")).isEqualTo("http://moto.internal:5000/?token=****");
        assertThat(shown.get("rds.restoreTarget")).isEqualTo("****");
        assertThat(String.join(" ", shown.values())).doesNotContain("lk-url-Pa55word", "aws-T0ken-value", "lk-secret-value-42", "t0k");
    }

    @Test
    void load_whenAQuoteIsNotClosed_namesLineAndColumnAndNeverQuotesTheValue() throws IOException {
        String secret = "lk-Secret-0123456789abcdefghijklmnopqrstuv";
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "name: bad\nlivekit:\n  apiKey: key\n  apiSecret: \"" + secret + "\n  url: x\n");

        assertThatThrownBy(() -> Environment.load(bad))
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("line 4, column 14")
                .hasMessageContaining("found unexpected end of stream")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret.substring(0, 8), "apiSecret"));
    }

    @Test
    void load_whenAKeyIsMisspelled_namesTheKeyAndTheFileAndNeverTheValue() throws IOException {
        String secret = "lk-Secret-0123456789abcdefghijklmnopqrstuv";
        Path typo = Files.writeString(tmp.resolve("typo.yaml"), """
                name: typo
                livekit:
                  apiSecret: %s
                waf:
                  ipSet:
                    nmae: blocked-ips
                """.formatted(secret));

        assertThatThrownBy(() -> Environment.load(typo, k -> null))
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageStartingWith("Environment file " + typo.toAbsolutePath() + ": unknown setting 'waf.ipSet.nmae'"
                        + " (known under waf.ipSet: name, scope, id)")
                .hasNoCause()
                .satisfies(e -> assertThat(((OpsException) e).hint()).contains("did you mean 'waf.ipSet.name'?"))
                .satisfies(e -> assertThat(e.getMessage() + ((OpsException) e).hint()).doesNotContain(secret.substring(0, 8)));
    }

    @Test
    void load_whenASectionIsMisspelled_namesItAmongTheKnownOnes() throws IOException {
        Path typo = Files.writeString(tmp.resolve("sections.yaml"), "name: sections\nredis:\n  url: redis://h:6379\nlivekt:\n  url: x\n");

        assertThatThrownBy(() -> Environment.load(typo, k -> null))
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("sections.yaml")
                .hasMessageContaining("unknown setting 'livekt' (known at the top level: name, protected, aws, ecs, logs")
                .satisfies(e -> assertThat(((OpsException) e).hint()).contains("did you mean 'livekit'?"));
    }

    @Test
    void topology_whenProd_readsTheSameValuesAsTheNamedSettings() {
        Environment env = prod(PROD_VARIABLES);

        assertThat(env.topology().ecs().cluster().required()).isEqualTo("discordination-prod");
        assertThat(env.topology().ecs().network().subnets().values()).containsExactly("subnet-0a1", "subnet-0b2");
        assertThat(env.topology().livekit().apiSecret().required()).isEqualTo("lk-secret-value-42");
        assertThatThrownBy(() -> prod(Map.of()).topology().redis().url().required())
                .isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageStartingWith("Environment variable REDIS_URL is not set; environment prod needs it for 'redis.url' ("
                        + ENVIRONMENTS.resolve("prod.yaml").toAbsolutePath() + ")");
    }

    @Test
    void isSecretPath_whenDocsMarkASettingSecret_isTheSchemasCredentialAndTrue() throws IOException {
        String doc = Files.readString(ENVIRONMENTS.resolveSibling("docs").resolve("environments.md"));
        java.util.List<String> marked = new java.util.ArrayList<>();
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| `([A-Za-z0-9.]+)` \\|[^\\n]*\\*\\*[^\\n]*secret\\*\\*").matcher(doc);
        while (row.find()) marked.add(row.group(1));

        assertThat(marked).containsExactlyInAnyOrderElementsOf(io.discordination.ops.topology.TopologyFiles.credentials().keySet())
                .contains("aws.secretAccessKey", "postgres.url", "postgres.readPassword", "redis.url", "livekit.apiSecret");
        assertThat(marked).allSatisfy(setting -> assertThat(Environment.isSecretPath(setting)).as(setting).isTrue());
    }
}
