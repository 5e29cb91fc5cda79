package io.discordination.ops.logs;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FilterPatternsTest {
    @Test
    void of_whenTermStartsWithDigit_quotesIt() {
        assertThat(FilterPatterns.of("429")).isEqualTo("\"429\"");
    }

    @Test
    void of_whenSeveralWords_quotesOnlyThoseThatNeedIt() {
        assertThat(FilterPatterns.of("ERROR 429 status=429")).isEqualTo("ERROR \"429\" \"status=429\"");
    }

    @Test
    void of_whenTermHasQuotesOrBackslash_escapesThem() {
        assertThat(FilterPatterns.of("a\\b\"c")).isEqualTo("\"a\\\\b\\\"c\"");
    }

    @Test
    void of_whenAlreadyQuotedPhrase_keepsIt() {
        assertThat(FilterPatterns.of("\"rate limited\" 429")).isEqualTo("\"rate limited\" \"429\"");
    }

    @Test
    void of_whenExclusionAmongOtherTerms_keepsTheMinus() {
        assertThat(FilterPatterns.of("ERROR -health-check")).isEqualTo("ERROR -\"health-check\"");
    }

    @Test
    void of_whenFilterSyntax_passesThrough() {
        assertThat(FilterPatterns.of("{ $.status = 429 }")).isEqualTo("{ $.status = 429 }");
        assertThat(FilterPatterns.of("[ip, user, ...]")).isEqualTo("[ip, user, ...]");
        assertThat(FilterPatterns.of("?ERROR ?429")).isEqualTo("?ERROR ?429");
        assertThat(FilterPatterns.of("%4[0-9]{2}%")).isEqualTo("%4[0-9]{2}%");
    }

    @Test
    void of_whenEmpty_matchesEverything() {
        assertThat(FilterPatterns.of("  ")).isEmpty();
        assertThat(FilterPatterns.of(null)).isEmpty();
    }
}
