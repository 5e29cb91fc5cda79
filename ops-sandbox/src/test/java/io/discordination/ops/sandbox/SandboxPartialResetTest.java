package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code reset(components)}, which heals a drill: only the named components are reseeded, the
 * others keep what was done to them; an unknown component is refused before anything is reseeded.
 * Read back with redis-cli and psql.
 */
@ExtendWith(SandboxExtension.class)
class SandboxPartialResetTest {
    private static String sh(SandboxInfo sandbox, String script) {
        Shell.Result result = Shell.run(sandbox.exports(), script);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.out().trim();
    }

    private static final String DISABLED = "psql \"$DATABASE_URL\" -At -c 'SELECT count(*) FROM users WHERE disabled'";

    @Test
    void reset_whenGivenOneComponent_reseedsOnlyThatOne(Sandbox sandbox, SandboxInfo info) {
        String seededDisabled = sh(info, DISABLED);
        sh(info, "redis-cli -u \"$REDIS_URL\" SET drill:marker broken");
        sh(info, "PGPASSWORD='" + info.adminPassword() + "' psql -h 127.0.0.1 -p " + info.postgresPort()
                + " -U postgres -d discordination -At -c 'UPDATE users SET disabled = true'");

        sandbox.reset(Set.of(Sandbox.REDIS), line -> { });

        assertThat(sh(info, "redis-cli -u \"$REDIS_URL\" EXISTS drill:marker")).isEqualTo("0");
        assertThat(sh(info, DISABLED)).isEqualTo("40");

        sandbox.reset(Set.of(Sandbox.POSTGRES), line -> { });

        assertThat(sh(info, DISABLED)).isEqualTo(seededDisabled);
    }

    @Test
    void reset_whenAComponentIsUnknown_refusesAndReseedsNothing(Sandbox sandbox, SandboxInfo info) {
        sh(info, "redis-cli -u \"$REDIS_URL\" SET drill:marker kept");

        assertThatThrownBy(() -> sandbox.reset(Set.of(Sandbox.REDIS, "mongodb"), line -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mongodb");

        assertThat(sh(info, "redis-cli -u \"$REDIS_URL\" GET drill:marker")).isEqualTo("kept");
        sandbox.reset(Set.of(Sandbox.REDIS), line -> { });
    }
}
