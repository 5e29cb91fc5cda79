package io.discordination.ops.text;

import io.discordination.ops.OpsException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {
    @Test
    void parse_whenTheNumberOverflows_isInvalidInputNotANumberFormatError() {
        for (String huge : new String[]{"99999999999999999999m", "9223372036854775807d", "9223372036854775807w",
                "9223372036854775807h9223372036854775807h", "1" + "0".repeat(100) + "s"}) {
            assertThatThrownBy(() -> Durations.parse(huge)).as(huge).isInstanceOf(OpsException.InvalidInputException.class)
                    .hasMessageStartingWith("Invalid duration").hasMessageNotContaining("For input string")
                    .hasMessageNotContaining("overflow");
        }
    }

    @Test
    void parse_whenTheTextIsLong_quotesOnlyItsStart() {
        assertThatThrownBy(() -> Durations.parse("1m".repeat(50_000))).isInstanceOf(OpsException.InvalidInputException.class)
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(300));
    }

    @Test
    void parse_whenUsual_keepsWorking() {
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("2w")).isEqualTo(Duration.ofDays(14));
        assertThat(Durations.parse("PT10M")).isEqualTo(Duration.ofMinutes(10));
    }
}
