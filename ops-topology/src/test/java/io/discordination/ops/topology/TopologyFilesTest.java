package io.discordination.ops.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopologyFilesTest {
    private static final Path ENVIRONMENTS = Path.of(System.getProperty("ops.root", "..")).resolve("environments");
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Variables from a map; errors carry the names they were given, so a test can check them. */
    private static SettingSource variables(Map<String, String> values) {
        return new SettingSource() {
            @Override
            public String variable(String name) {
                return values.get(name);
            }

            @Override
            public RuntimeException unsetVariable(String variable, String setting) {
                return new IllegalArgumentException("unset " + variable + " for " + setting);
            }

            @Override
            public RuntimeException missingValue(String setting) {
                return new IllegalArgumentException("missing " + setting);
            }
        };
    }

    private static Topology read(String yaml, Map<String, String> values) throws Exception {
        return TopologyFiles.read(YAML.readTree(yaml), variables(values));
    }

    @Test
    void read_whenProd_bindsEverySectionAndNamesEachSetting() throws Exception {
        JsonNode prod = YAML.readTree(Files.readString(ENVIRONMENTS.resolve("prod.yaml")));
        Topology t = TopologyFiles.read(prod, variables(Map.of("PRIVATE_SUBNETS", "subnet-a, subnet-b", "IP_SET_ID", "ipset-1")));

        assertThat(t.name()).isEqualTo("prod");
        assertThat(t.isProtected()).isTrue();
        assertThat(t.ecs().cluster().required()).isEqualTo("discordination-prod");
        assertThat(t.ecs().cluster().path()).isEqualTo("ecs.cluster");
        assertThat(t.ecs().services()).containsOnlyKeys("api", "gateway");
        assertThat(t.ecs().taskDefinitions().get("migrate").path()).isEqualTo("ecs.taskDefinitions.migrate");
        assertThat(t.ecs().network().subnets().values()).containsExactly("subnet-a", "subnet-b");
        assertThat(t.ecs().network().assignPublicIp().flag(true)).isFalse();
        assertThat(t.logs().groups().get("api").path()).isEqualTo("logs.api");
        assertThat(t.secrets().ids().get("jwt-secret").required()).isEqualTo("discordination/jwt-secret");
        assertThat(t.waf().ipSet().id().required()).isEqualTo("ipset-1");
        assertThat(t.waf().platformRanges().values()).isEmpty();
        assertThat(t.aws().regionOrDefault()).isEqualTo("us-east-1");
        assertThat(t.aws().endpoint().optional()).isEmpty();
        assertThat(t.rds().restoreSubnetGroup().isWritten()).isFalse();
    }

    @Test
    void required_whenTheVariableIsUnset_namesTheVariableAndTheSettingOnFirstUseOnly() throws Exception {
        Topology t = read("redis:\n  url: ${REDIS_URL}\ns3:\n  bucket: files\n", Map.of());

        assertThat(t.s3().bucket().required()).isEqualTo("files");
        assertThatThrownBy(() -> t.redis().url().required()).hasMessage("unset REDIS_URL for redis.url");
        assertThatThrownBy(() -> t.rds().instance().required()).hasMessage("missing rds.instance");
        assertThat(read("aws:\n  region: ${AWS_REGION:-eu-west-1}\n", Map.of()).aws().regionOrDefault()).isEqualTo("eu-west-1");
        assertThat(read("aws:\n  region: ${AWS_REGION:-eu-west-1}\n", Map.of("AWS_REGION", "us-west-2")).aws().regionOrDefault())
                .isEqualTo("us-west-2");
    }

    @Test
    void read_whenAKeyIsMisspelled_namesItAndWhatIsKnownThere() {
        assertThatThrownBy(() -> read("waf:\n  ipSet:\n    nmae: blocked-ips\n    id: s3cr3t-looking-value\n", Map.of()))
                .isInstanceOf(TopologyProblem.class)
                .hasMessage("unknown setting 'waf.ipSet.nmae' (known under waf.ipSet: name, scope, id)")
                .satisfies(e -> assertThat(((TopologyProblem) e).setting()).isEqualTo("waf.ipSet.nmae"));
        assertThatThrownBy(() -> read("ecss:\n  cluster: x\n", Map.of()))
                .isInstanceOf(TopologyProblem.class).hasMessageStartingWith("unknown setting 'ecss' (known at the top level: name, protected, aws, ecs");
    }

    @Test
    void read_whenAValueHasTheWrongShape_namesTheSettingAndNeverQuotesTheValue() {
        assertThatThrownBy(() -> read("livekit:\n  apiSecret:\n    nested: lk-Secret-Value-42\n", Map.of()))
                .isInstanceOf(TopologyProblem.class)
                .hasMessage("setting 'livekit.apiSecret' should be a single value, not a mapping or a list");
        assertThatThrownBy(() -> read("protected: lk-Secret-Value-42\n", Map.of()))
                .isInstanceOf(TopologyProblem.class)
                .hasMessageContaining("'protected'").hasMessageNotContaining("lk-Secret");
    }

    @Test
    void read_whenASectionOrListHasTheWrongShape_saysWhatTheSchemaExpectsThere() {
        assertThatThrownBy(() -> read("ecs:\n  network:\n    subnets:\n      a: lk-Secret-Value-42\n", Map.of()))
                .hasMessage("setting 'ecs.network.subnets' should be a value or a list of values");
        assertThatThrownBy(() -> read("ecs:\n  network:\n    subnets:\n    - [nested]\n", Map.of()))
                .hasMessage("setting 'ecs.network.subnets' should be a value or a list of values");
        assertThatThrownBy(() -> read("ecs:\n  services: lk-Secret-Value-42\n", Map.of()))
                .hasMessage("setting 'ecs.services' should be a mapping");
        assertThatThrownBy(() -> read("redis:\n- lk-Secret-Value-42\n", Map.of())).hasMessage("setting 'redis' should be a mapping");
        assertThatThrownBy(() -> read("logs: lk-Secret-Value-42\n", Map.of())).hasMessage("setting 'logs' should be a mapping");
        assertThatThrownBy(() -> read("protected: maybe\n", Map.of())).hasMessage("setting 'protected' should be true or false");
        assertThatThrownBy(() -> read("name:\n  x: y\n", Map.of()))
                .hasMessage("setting 'name' should be a single value, not a mapping or a list");
    }

    @Test
    void read_whenValuesAreEmptyNumbersOrFlags_keepsTheirTextAndNamesTheAbsentOnes() throws Exception {
        Topology t = read("protected: true\necs:\n  services:\n    api:\n  network:\n    subnets: [subnet-a, ~, 42]\n"
                + "postgres:\n  database: 5432\nredis:\nlogs:\n  api: /ecs/api\n", Map.of());

        assertThat(t.isProtected()).isTrue();
        assertThat(t.ecs().services().get("api").isWritten()).isFalse();
        assertThat(t.ecs().network().subnets().values()).containsExactly("subnet-a", "42");
        assertThat(t.postgres().database().required()).isEqualTo("5432");
        assertThatThrownBy(() -> t.redis().url().required()).hasMessage("missing redis.url");
        assertThatThrownBy(() -> t.ecs().services().get("api").required()).hasMessage("missing ecs.services.api");
        assertThat(t.logs().groups().get("api").path()).isEqualTo("logs.api");
        assertThat(read("protected: \"false\"\n", Map.of()).isProtected()).isFalse();
        assertThat(read("protected: \"True\"\n", Map.of()).isProtected()).isTrue();
        assertThatThrownBy(() -> read("protected: 1\n", Map.of())).hasMessage("setting 'protected' should be true or false");
    }

    @Test
    void parse_readsAFileAsJacksonsYamlMapperDoes() throws Exception {
        Path file = Files.createTempFile("topology", ".yaml");
        try {
            for (String yaml : List.of(Files.readString(ENVIRONMENTS.resolve("prod.yaml")), Files.readString(ENVIRONMENTS.resolve("staging.yaml")),
                    "a: 1\nb: 12345678901\nc: 1.5\nd: true\ne: ~\nf: [x, 2, {g: h}]\ni: 'quoted: text'\nj: 123456789012345678901234567890\n")) {
                Files.writeString(file, yaml);
                assertThat(TopologyFiles.parse(file)).isEqualTo(YAML.readTree(yaml));
            }
            Files.writeString(file, "");
            assertThat(TopologyFiles.parse(file)).isNull();
            Files.writeString(file, "a: [unclosed\n");
            assertThatThrownBy(() -> TopologyFiles.parse(file)).isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void write_thenRead_givesTheSameTopologyWithoutAbsentSettings() throws Exception {
        Topology written = new Topology("local", false,
                new AwsTopology(Setting.of("us-east-1"), Setting.of("http://127.0.0.1:5000"), null, null, null),
                new EcsTopology(Setting.of("discordination-prod"), Map.of("api", Setting.of("api")), null,
                        new EcsTopology.Network(SettingList.ofText("subnet-a,subnet-b"), null, Setting.of("false")), null),
                null, null, null, null, null,
                new WafTopology(null, SettingList.of(List.of("198.18.0.0/24", "2001:db8:ffff::/48"))), null, null, null, null);

        String yaml = TopologyFiles.write(written);

        assertThat(yaml).startsWith("name: local\nprotected: false\naws:\n  region: us-east-1\n")
                .contains("  network:\n    subnets: \"subnet-a,subnet-b\"\n", "  platformRanges:\n  - 198.18.0.0/24\n")
                .doesNotContain("null", "launchType", "rds", "accessKeyId", "{}", "ipSet");
        Topology read = read(yaml, Map.of());
        assertThat(read.ecs().network().subnets().values()).containsExactly("subnet-a", "subnet-b");
        assertThat(read.waf().platformRanges().values()).containsExactly("198.18.0.0/24", "2001:db8:ffff::/48");
        assertThat(TopologyFiles.write(read)).isEqualTo(yaml);
    }

    @Test
    void toString_whenTheValueIsAPassword_showsOnlyTheSettingsName() throws Exception {
        Topology t = read("livekit:\n  apiSecret: lk-Secret-Value-42\n", Map.of());

        assertThat(t.toString()).doesNotContain("lk-Secret-Value-42").contains("Setting[livekit.apiSecret]");
    }

    @Test
    void read_whenStaging_bindsAsProdDoes() throws Exception {
        Topology t = TopologyFiles.read(YAML.readTree(Files.readString(ENVIRONMENTS.resolve("staging.yaml"))), variables(Map.of()));

        assertThat(t.name()).isEqualTo("staging");
        assertThat(t.isProtected()).isFalse();
        assertThat(t.ecs().cluster().required()).isEqualTo("discordination-staging");
    }

    /** The dotted keys the records allow, in the schema's order; a map of short names is {@code <short>}. */
    private static void keys(Class<?> section, String prefix, List<String> out) {
        for (RecordComponent c : section.getRecordComponents()) {
            JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
            String key = c.getAccessor().isAnnotationPresent(JsonValue.class) ? prefix
                    : (prefix.isEmpty() ? "" : prefix + ".") + (named != null ? named.value() : c.getName());
            if (Map.class.isAssignableFrom(c.getType())) out.add(key + ".<short>");
            else if (c.getType().isRecord()) keys(c.getType(), key, out);
            else out.add(key);
        }
    }

    @Test
    void environmentsDoc_listsExactlyTheSettingsOfTheSchema() throws Exception {
        List<String> schema = new ArrayList<>();
        keys(Topology.class, "", schema);
        String doc = Files.readString(ENVIRONMENTS.resolveSibling("docs").resolve("environments.md"));
        List<String> documented = new ArrayList<>();
        Matcher row = Pattern.compile("(?m)^\\| `([A-Za-z0-9.<>-]+)` \\|").matcher(doc);
        while (row.find()) documented.add(row.group(1));

        assertThat(documented).containsExactlyElementsOf(schema);
    }
}
