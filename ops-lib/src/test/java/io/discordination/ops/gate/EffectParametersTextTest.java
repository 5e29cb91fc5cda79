package io.discordination.ops.gate;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("unit")
class EffectParametersTextTest {
    private static List<String> addresses(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add("45.33." + (i / 250) + "." + (i % 250 + 1) + "/32");
        return out;
    }

    @Test
    void parametersText_whenThousandsOfAddresses_showsTheFirstFewHowManyMoreAndTheCountsAfterThem() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("ipSet", "discordination-blocklist");
        params.put("addresses", String.join(",", addresses(2000)));
        params.put("count", 2000);
        params.put("addressesAfter", 2003);

        String text = Effect.parametersText(params);

        assertThat(text).isEqualTo("ipSet=discordination-blocklist, addresses=45.33.0.1/32,45.33.0.2/32,45.33.0.3/32,45.33.0.4/32,"
                + "45.33.0.5/32 \u2026 1995 more, count=2000, addressesAfter=2003");
    }

    @Test
    void parametersText_whenAListIsShortOrAValueHasBlanks_showsItWhole() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("addresses", String.join(",", addresses(Effect.SHOWN_VALUES)));
        params.put("reason", "a, b, c, d, e, f, g");
        params.put("skipped", null);

        assertThat(Effect.parametersText(params)).isEqualTo("addresses=" + String.join(",", addresses(Effect.SHOWN_VALUES))
                + ", reason=a, b, c, d, e, f, g");
    }

    @Test
    void parametersText_whenACollectionHasMany_showsTheFirstFewAndHowManyMore() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("keys", List.of("a", "b", "c", "d", "e", "f", "g"));
        params.put("few", List.of("x", "y"));

        assertThat(Effect.parametersText(params)).isEqualTo("keys=[a, b, c, d, e \u2026 2 more], few=[x, y]");
    }

    @Test
    void parameters_whenThousandsOfAddresses_keepEveryValueForTheAuditAndJson() {
        Effect effect = Effect.on("aws", "waf ip set blocklist").verb("block")
                .param("addresses", String.join(",", addresses(2000))).destructive().build();

        assertThat(String.valueOf(effect.parameters().get("addresses")).split(",")).hasSize(2000);
    }
}
