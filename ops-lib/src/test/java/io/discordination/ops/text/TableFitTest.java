package io.discordination.ops.text;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Tables fitted to a terminal's width, and the "did you mean" of mistyped names. */
class TableFitTest {
    private static Table events() {
        return Table.with("TIME", "SERVICE", "MESSAGE")
                .row("12:00:01", "api", "(service api) has reached a steady state after a long rolling deployment of new tasks")
                .row("12:00:00", "gateway", "short");
    }

    @Test
    void render_whenWiderThanTheLimit_cutsTheWidestColumnWithAMarker() {
        String fitted = events().render(50);
        assertThat(fitted.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(50));
        assertThat(fitted).contains("12:00:01", "gateway", "(service api) has" , Table.CUT).doesNotContain("new tasks");
        // the narrow columns keep their cells whole
        assertThat(fitted.lines().toList().get(2)).startsWith("12:00:00  gateway  short");
    }

    @Test
    void render_withoutALimitOrWhenItFits_isUnchanged() {
        assertThat(events().render(0)).contains("after a long rolling deployment of new tasks").doesNotContain(Table.CUT);
        assertThat(events().render(500)).isEqualTo(events().render(0));
    }

    @Test
    void render_whenTheLimitIsTiny_keepsSomethingOfEveryColumn() {
        String fitted = events().render(5);
        assertThat(fitted.lines().toList().get(1)).startsWith("12:...  api").contains("(se...");
    }

    @Test
    void nearest_findsSwapsTyposAndPrefixesButNothingUnrelated() {
        List<String> names = List.of("flush-redis-cache", "redis-memory-pressure", "plan", "run");
        assertThat(Suggestions.nearest("flush-reids-cache", names)).containsExactly("flush-redis-cache");
        assertThat(Suggestions.nearest("pln", names)).containsExactly("plan");
        assertThat(Suggestions.nearest("flush", names)).containsExactly("flush-redis-cache");
        assertThat(Suggestions.nearest("deploy", names)).isEmpty();
    }
}
