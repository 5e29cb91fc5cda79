package io.discordination.ops.sandbox;

import io.discordination.ops.sandbox.junit.ResetSandbox;
import io.discordination.ops.sandbox.junit.SandboxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis seed, read back with redis-cli: every key, type, value and expiry is what the seed has
 * always written (the fingerprint was taken from the seed before it moved to Lettuce), and a reset
 * puts exactly that back.
 */
@ExtendWith(SandboxExtension.class)
@ResetSandbox
class SandboxRedisSeedTest {
    /** 8,280 keys: 5,000 api:cache, 3,000 rl, 200 session, 40 presence, 40 user settings. */
    private static final String SEEDED = "8280\nc023d9427585cfc4a94ed0a7c2579ce984150b77";

    private static String digest(SandboxInfo sandbox) throws Exception {
        Path script = Path.of(SandboxRedisSeedTest.class.getResource("redis-digest.lua").toURI());
        Shell.Result result = Shell.run(sandbox.exports(), "redis-cli -u \"$REDIS_URL\" --eval '" + script + "'");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.out().trim();
    }

    private static void sh(SandboxInfo sandbox, String script) {
        Shell.Result result = Shell.run(sandbox.exports(), script);
        assertThat(result.exitCode()).as(result.toString()).isZero();
    }

    @Test
    void seed_whenReadBackWithRedisCli_isTheDataTheSeedHasAlwaysWritten(SandboxInfo sandbox) throws Exception {
        assertThat(digest(sandbox)).isEqualTo(SEEDED);
    }

    @Test
    void reset_afterKeysWereDeletedChangedAndAdded_writesExactlyTheSeedAgain(Sandbox sandbox, SandboxInfo info) throws Exception {
        sh(info, "redis-cli -u \"$REDIS_URL\" --scan --pattern 'session:*' | head -n 20 | xargs redis-cli -u \"$REDIS_URL\" UNLINK >/dev/null"
                + " && redis-cli -u \"$REDIS_URL\" SET presence:" + SeedData.WELL_KNOWN_USER_ID + " offline >/dev/null"
                + " && redis-cli -u \"$REDIS_URL\" SET drill:left-behind 1 >/dev/null");
        assertThat(digest(info)).isNotEqualTo(SEEDED);

        sandbox.reset();

        assertThat(digest(info)).isEqualTo(SEEDED);
    }
}
