package io.discordination.ops.gate;

import io.discordination.ops.OpsContext;

import java.nio.file.Path;

/** Runs one effect whose action halts the JVM at once, as a SIGKILL would: no shutdown hooks, no "ok" line. */
public final class HaltDuringEffect {
    static final int HALT_CODE = 137;

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        OpsContext ctx = OpsContext.builder().environment(TestEnvironments.write(home, "dev", false)).opsHome(home)
                .confirmer(Confirmer.nonInteractive(true, null)).build();
        ctx.gate().apply(Effect.on("redis", "cache").verb("flush").destructive().build(), () -> {
            Runtime.getRuntime().halt(HALT_CODE);
            return null;
        }, () -> null);
    }
}
