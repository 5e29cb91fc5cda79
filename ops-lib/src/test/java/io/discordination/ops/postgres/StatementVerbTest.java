package io.discordination.ops.postgres;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatementVerbTest {
    @Test
    void verb_whenSqlStartsWithBlanksOrComments_isItsFirstKeywordInUpperCase() {
        assertThat(Postgres.verb("select 1")).isEqualTo("SELECT");
        assertThat(Postgres.verb("\n  -- who is idle\n  /* pg_stat_activity */ With x AS (SELECT 1) SELECT * FROM x")).isEqualTo("WITH");
        assertThat(Postgres.verb("(SELECT 1) UNION (SELECT 2)")).isEqualTo("SELECT");
        assertThat(Postgres.verb("DELETE FROM sessions WHERE user_id = ?")).isEqualTo("DELETE");
    }

    @Test
    void verb_whenNoKeywordLeadsTheSql_isAPlainLabelThatQuotesNothing() {
        assertThat(Postgres.verb("-- only a comment")).isEqualTo("SQL");
        assertThat(Postgres.verb("'secret-value'")).isEqualTo("SQL");
        assertThat(Postgres.verb("")).isEqualTo("SQL");
    }
}
