package io.discordination.ops.sandbox;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.discordination.ops.topology.SettingSource;
import io.discordination.ops.topology.Topology;
import io.discordination.ops.topology.TopologyFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalEnvironmentFileTest {
    /** A password a hand-written YAML template would break on: a comment sign, quotes, a colon and a newline-free backslash. */
    private static final String AWKWARD = "pw #1: \"q' \\x ${NOT_A_VAR";

    private static SandboxInfo info(String password) {
        Path home = Path.of("/tmp/ops-home");
        return new SandboxInfo(home, home.resolve("sandbox/local.yaml"), "http://127.0.0.1:5001", "us-east-1",
                "testing", password, "redis://127.0.0.1:6390/0", 6390,
                "postgresql://discordination_ops:" + password + "@127.0.0.1:5433/discordination", "jdbc:postgresql://127.0.0.1:5433/discordination",
                "discordination", "app-pw", "discordination_ops", password, "discordination_readonly", password,
                "jdbc:postgresql://127.0.0.1:5433/postgres", "postgres", "admin-pw", 5433,
                "http://127.0.0.1:7881", "APIkey", password, "ipset-123", List.of("subnet-a", "subnet-b"), "sg-db", "sg-app", "vpc-1",
                home.resolve("sandbox"));
    }

    private static Topology readBack(String yaml) throws Exception {
        return TopologyFiles.read(new YAMLMapper().readTree(yaml), SettingSource.LITERAL);
    }

    @Test
    void render_whenReadBack_givesTheSandboxValuesUnderProductionsNames() throws Exception {
        Topology local = readBack(LocalEnvironmentFile.render(info("plain-pw")));

        assertThat(local.name()).isEqualTo("local");
        assertThat(local.isProtected()).isFalse();
        assertThat(local.aws().endpoint().required()).isEqualTo("http://127.0.0.1:5001");
        assertThat(local.ecs().cluster().required()).isEqualTo(SeedData.CLUSTER);
        assertThat(local.ecs().services()).containsOnlyKeys("api", "gateway");
        assertThat(local.ecs().network().subnets().values()).containsExactly("subnet-a", "subnet-b");
        assertThat(local.logs().groups().get("migrate").required()).isEqualTo(SeedData.LOG_GROUP_MIGRATE);
        assertThat(local.waf().ipSet().id().required()).isEqualTo("ipset-123");
        assertThat(local.waf().platformRanges().values()).containsExactlyElementsOf(SeedData.PLATFORM_RANGES);
        assertThat(local.secrets().ids().get("db-password").required()).isEqualTo(SeedData.DB_PASSWORD_SECRET_ID);
        assertThat(local).isEqualTo(readBack(TopologyFiles.write(LocalEnvironmentFile.topology(info("plain-pw")))));
    }

    @Test
    void render_whenAPasswordHoldsYamlPunctuation_writesItSoItReadsBackTheSame() throws Exception {
        String yaml = LocalEnvironmentFile.render(info(AWKWARD));

        Topology local = readBack(yaml);
        assertThat(local.aws().secretAccessKey().raw()).isEqualTo("${OPS_SANDBOX_SECRET_ACCESS_KEY:-" + AWKWARD + "}");
        assertThat(local.livekit().apiSecret().raw()).isEqualTo(AWKWARD);
        assertThat(local.postgres().readPassword().raw()).isEqualTo(AWKWARD);
    }

    @Test
    void render_namesTheControlPlaneWithProductionsNames() throws Exception {
        Topology local = readBack(LocalEnvironmentFile.render(info("plain-pw")));
        Topology prod = TopologyFiles.read(new YAMLMapper().readTree(Path.of("../environments/prod.yaml").toFile()), SettingSource.LITERAL);

        assertThat(local.registry().configured()).isTrue();
        assertThat(local.registry().table().raw()).isEqualTo(prod.registry().table().raw()).isEqualTo(SeedData.REGISTRY_TABLE);
        assertThat(local.registry().auditLogGroup().raw()).isEqualTo(prod.registry().auditLogGroup().raw());
        assertThat(local.registry().journalBucket().raw()).isEqualTo(SeedData.JOURNAL_BUCKET);
        assertThat(prod.registry().journalBucket().raw()).endsWith(":-" + SeedData.JOURNAL_BUCKET + "}");
        assertThat(local.registry().journalPrefixOrDefault()).isEqualTo(prod.registry().journalPrefixOrDefault());
    }

    @Test
    void render_letsAnOperatorsShellGiveItsOwnAwsCredentials() throws Exception {
        Topology local = readBack(LocalEnvironmentFile.render(info("plain-pw")));
        Map<String, String> bob = Map.of(SandboxOperator.ACCESS_KEY_VARIABLE, "AKIABOB", SandboxOperator.SECRET_KEY_VARIABLE, "bob-secret");
        Topology asBob = TopologyFiles.read(new YAMLMapper().readTree(LocalEnvironmentFile.render(info("plain-pw"))), new SettingSource() {
            @Override
            public String variable(String name) {
                return bob.get(name);
            }

            @Override
            public RuntimeException unsetVariable(String variable, String setting) {
                return new IllegalStateException(variable);
            }

            @Override
            public RuntimeException missingValue(String setting) {
                return new IllegalStateException(setting);
            }
        });

        assertThat(local.aws().accessKeyId().raw()).isEqualTo("${OPS_SANDBOX_ACCESS_KEY_ID:-testing}");
        assertThat(asBob.aws().accessKeyId().required()).isEqualTo("AKIABOB");
        assertThat(asBob.aws().secretAccessKey().required()).isEqualTo("bob-secret");
    }

    @Test
    void render_keepsTheLinesThatTestsAndOperatorsEditByHand() {
        String yaml = LocalEnvironmentFile.render(info("plain-pw"));

        assertThat(yaml).startsWith("# The local sandbox").contains("name: local\n", "protected: false\n",
                "  jwt-secret: " + SeedData.JWT_SECRET_ID + "\n", "  db-password: " + SeedData.DB_PASSWORD_SECRET_ID + "\n",
                "  readUser: discordination_readonly\n", "  readPassword: plain-pw\n");
    }
}
