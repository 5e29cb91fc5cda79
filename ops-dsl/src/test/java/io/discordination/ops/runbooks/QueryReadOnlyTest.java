package io.discordination.ops.runbooks;

import io.discordination.ops.runbook.testing.Cli;
import io.discordination.ops.sandbox.SandboxInfo;
import io.discordination.ops.sandbox.SeedData;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code postgres().query(sql)} in a check step cannot change the database whatever the SQL says:
 * a runbook with such a step planned through the {@code ops} command line as a process, with the
 * SQL an attacker or a careless operator would pass, and the sessions counted with {@code psql}
 * as the application's role before and after.
 */
@ExtendWith(SandboxExtension.class)
class QueryReadOnlyTest {
    private static final String USER = SeedData.WELL_KNOWN_USER_ID;

    @TempDir
    Path home;

    private static String psql(SandboxInfo sandbox, String sql) throws IOException, InterruptedException {
        String url = "postgresql://" + sandbox.databaseUser() + ":" + sandbox.databasePassword() + "@127.0.0.1:"
                + sandbox.postgresPort() + "/" + SeedData.DATABASE;
        Process p = new ProcessBuilder("psql", url, "-tAc", sql).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private Cli.Result plan(SandboxInfo sandbox, String sql) throws IOException, InterruptedException {
        Cli cli = new Cli(home, Cli.projectRoot());
        Process p = cli.start("plan", Cli.testRunbook("query.jsh").toString(), "--env", sandbox.environmentFile().toString(),
                "--param", "sql=" + sql);
        p.getOutputStream().close();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("ops plan finished").isTrue();
        return cli.finish(p);
    }

    @Test
    void plan_whenTheSqlCommitsAndDeletes_exitsTwoAndEverySessionIsStillThere(SandboxInfo sandbox) throws Exception {
        String count = "SELECT count(*) FROM sessions WHERE user_id = '" + USER + "'";
        String before = psql(sandbox, count);
        assertThat(Integer.parseInt(before)).isEqualTo(SeedData.WELL_KNOWN_USER_SESSIONS);

        for (String sql : List.of(
                "COMMIT; DELETE FROM sessions WHERE user_id='" + USER + "'",
                "ROLLBACK; SET default_transaction_read_only = off; DELETE FROM sessions WHERE user_id='" + USER + "'")) {
            Cli.Result r = plan(sandbox, sql);
            assertThat(r.exitCode()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).contains("query() runs exactly one statement");
        }
        Cli.Result oneStatement = plan(sandbox, "WITH gone AS (DELETE FROM sessions WHERE user_id='" + USER + "' RETURNING 1) "
                + "SELECT count(*) FROM gone");
        assertThat(oneStatement.exitCode()).as(oneStatement.all()).isEqualTo(2);
        assertThat(oneStatement.err()).contains("query() only reads", "nothing was changed");

        assertThat(psql(sandbox, count)).isEqualTo(before);
        Cli.Result read = plan(sandbox, count);
        assertThat(read.exitCode()).as(read.all()).isZero();
        assertThat(read.out()).contains(before, "Nothing was changed.");
    }
}
