package io.discordination.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The redactor and the credential scanner: every syntax a password can arrive in, and time linear in the text. */
class RedactorTest {

    @ParameterizedTest
    @ValueSource(strings = {"p#ss-W0rd", "p/ss-W0rd", "p?ss-W0rd", "p@ss-W0rd", "p ss-W0rd", "p\"ss-W0rd", "p'ss-W0rd",
            "p%zzss-W0rd", "p%4", "p:ss-W0rd", "p@ss@W0rd/x?y#z"})
    void inSetting_whenPasswordHoldsUnencodedCharacters_masksAllOfItAndKeepsTheHost(String password) {
        String url = "postgresql://app:" + password + "@db.internal:5432/discordination";

        Credentials.Found found = Credentials.inSetting(url);

        assertThat(found.masked()).isEqualTo("postgresql://app:****@db.internal:5432/discordination");
        assertThat(found.secrets()).contains(password);
    }

    @Test
    void inSetting_whenPasswordIsAQueryParameter_masksItInEveryForm() {
        assertThat(Credentials.inSetting("postgresql://db.internal/discordination?user=app&password=q%20P@ss#1&sslmode=require").masked())
                .isEqualTo("postgresql://db.internal/discordination?user=app&password=****&sslmode=require");
        assertThat(Credentials.inSetting("jdbc:postgresql://db.internal:5432/discordination?user=app&password=jdbc-Pa55 word").masked())
                .isEqualTo("jdbc:postgresql://db.internal:5432/discordination?user=app&password=****");
        assertThat(Credentials.inSetting("jdbc:sqlserver://h;user=app;pwd=a&b;db=x").masked()).isEqualTo("jdbc:sqlserver://h;user=app;pwd=****;db=x");
        Credentials.Found decoded = Credentials.inSetting("postgresql://h/d?password=q%20P%40ss");
        assertThat(decoded.secrets()).contains("q%20P%40ss", "q P@ss");
    }

    @Test
    void inSetting_whenRedisClusterSeedsOrPasswordOnly_masksThePassword() {
        assertThat(Credentials.inSetting("redis://:cl#uster@Pw@h1:6379,h2:6379,h3:6379").masked()).isEqualTo("redis://:****@h1:6379,h2:6379,h3:6379");
        assertThat(Credentials.inSetting("rediss://only-a-password@cache:6380/0").masked()).isEqualTo("rediss://****@cache:6380/0");
        assertThat(Credentials.inSetting("postgresql://app@db/x").masked()).isEqualTo("postgresql://app@db/x");
        assertThat(Credentials.inSetting("redis://cache.internal:6379").secrets()).isEmpty();
        Credentials.Found seeds = Credentials.inSetting("redis://:seed-one-pw@h1:6379,rediss://:seed-two-pw@h2:6379");
        assertThat(seeds.masked()).isEqualTo("redis://:****@h2:6379");
        assertThat(seeds.secrets()).contains("seed-one-pw", "seed-two-pw");
    }

    @Test
    void redact_whenRegisteredValueAppearsInAnyForm_masksIt() {
        Redactor redactor = new Redactor().register(Secret.of("we\"ird pa/ss"));

        assertThat(redactor.redact("said we\"ird pa/ss.")).isEqualTo("said ****.");
        assertThat(redactor.redact("{\"v\":\"we\\\"ird pa/ss\"}")).isEqualTo("{\"v\":\"****\"}");
        assertThat(redactor.redact("url we%22ird+pa%2Fss and we%22ird%20pa%2Fss")).isEqualTo("url **** and ****");
    }

    @Test
    void redact_whenSecretsOverlap_masksEveryCharacterOfBoth() {
        Redactor redactor = new Redactor().register(Secret.of("abcdef")).register(Secret.of("defghi")).register(Secret.of("cde1"));

        assertThat(redactor.redact("x abcdefghi y")).isEqualTo("x **** y");
        assertThat(redactor.redact("abcde1 cde1")).isEqualTo("ab**** ****");
        assertThat(redactor.redact("no secret here")).isEqualTo("no secret here");
    }

    @Test
    void redact_whenFreeTextHasUnknownCredentials_masksThemAndKeepsJsonValid() throws Exception {
        Redactor redactor = new Redactor();

        assertThat(redactor.redact("connect redis://:pw-one@h1:6379 failed")).isEqualTo("connect redis://:****@h1:6379 failed");
        // a port and a path before '@' are no credentials
        assertThat(redactor.redact("GET http://api:4000/api/v9/users/@me 200")).isEqualTo("GET http://api:4000/api/v9/users/@me 200");
        assertThat(redactor.redact("GET /x?user=a&token=abc123&y=1 200")).isEqualTo("GET /x?user=a&token=****&y=1 200");
        assertThat(redactor.redact("set password='hunter22' now")).isEqualTo("set password='****' now");
        // in prose only a password's name marks a secret: a runbook's own words stay readable
        assertThat(redactor.redact("not chosen: secret=jwt, token=none")).isEqualTo("not chosen: secret=jwt, token=none");
        assertThat(redactor.redact("GET /cb?client_secret=abc123&x=1")).isEqualTo("GET /cb?client_secret=****&x=1");
        String json = Json.write(Map.of("m", "dsn \"postgresql://u:p@ss@h/d\" and password=\"x y\" and /cb?api_key=K\\1"));
        String redacted = redactor.redact(json);
        assertThat(Json.mapper().readTree(redacted).get("m").asText()).doesNotContain("p@ss@", "K\\1").contains("****");
    }

    @Test
    void redact_whenASecretFollowsAJsonEscape_masksTheWholeEscapeSoTheLineStillParses() throws Exception {
        Redactor redactor = new Redactor().register(Secret.of("n0-secret-tail")).register(Secret.of("01a-secret-tail"));
        String json = Json.write(Map.of("m", "line\n0-secret-tail and \u0001a-secret-tail end"));

        String redacted = redactor.redact(json);

        assertThat(Json.mapper().readTree(redacted).get("m").asText()).isEqualTo("line**** and **** end");
    }

    @Test
    void redact_whenTextIsHostileAndLong_takesLinearTime() {
        Redactor redactor = new Redactor().register(Secret.of("a.a.a.a.b")).register(Secret.of("lk-secret-value"));
        String apiLine = "[info] GET /api/v9/" + "a.".repeat(40_000);
        String[] hostile = {apiLine, "://".repeat(90_000), "@".repeat(260_000), "x://a:b".repeat(40_000), "a=".repeat(130_000),
                "password=".repeat(30_000), ("https://u:" + "a".repeat(1000) + " ").repeat(250), "token=\\\"".repeat(30_000)};

        long start = System.nanoTime();
        for (String text : hostile) redactor.redact(text);
        // a generous bound: the quadratic scan took minutes on the first of these alone
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(redactor.redact(apiLine)).isEqualTo(apiLine);
    }
}
