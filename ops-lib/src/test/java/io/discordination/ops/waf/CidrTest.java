package io.discordination.ops.waf;

import io.discordination.ops.OpsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {
    @Test
    void parse_whenBareAddress_addsFullPrefix() {
        assertThat(Cidr.parse("203.0.113.7").toString()).isEqualTo("203.0.113.7/32");
        assertThat(Cidr.parse("2001:DB8::7").toString()).isEqualTo("2001:db8::7/128");
    }

    @Test
    void parse_whenIpv6LongForm_normalizesToShortLowercase() {
        assertThat(Cidr.parse("2001:0DB8:0000:0000:0000:0000:0000:0000/32").toString()).isEqualTo("2001:db8::/32");
        assertThat(Cidr.parse("2001:db8:0:0:1:0:0:1").toString()).isEqualTo("2001:db8::1:0:0:1/128");
        assertThat(Cidr.parse("2001:db8::/32")).isEqualTo(Cidr.parse("2001:0db8::/32"));
    }

    @Test
    void parse_whenHostBitsSet_suggestsTheNetwork() {
        assertThatThrownBy(() -> Cidr.parse("10.1.2.3/24")).isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("did you mean 10.1.2.0/24");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::1/64")).isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("did you mean 2001:db8::/64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-an-ip", "256.1.1.1", "1.2.3", "1.2.3.4/33", "1.2.3.4/0", "01.2.3.4", "1.2.3.4/x",
            "2001:db8::/129", "2001:db8:::1", "gggg::1", "::ffff:1.2.3.4", "example.com", "1.2.3.4/-1"})
    void parse_whenInvalid_isRejectedAsInvalidInput(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(OpsException.InvalidInputException.class)
                .hasMessageContaining("Invalid CIDR");
    }
}
