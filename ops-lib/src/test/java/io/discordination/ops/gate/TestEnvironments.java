package io.discordination.ops.gate;

import io.discordination.ops.env.Environment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Small environment files for tests of the Gate, written into a temporary folder. */
final class TestEnvironments {
    static final String PLANTED = "planted-Secret-9f8e7d";

    private TestEnvironments() {
    }

    static Environment write(Path dir, String name, boolean protectedEnv) {
        try {
            Path file = dir.resolve(name + ".yaml");
            Files.writeString(file, """
                    name: %s
                    protected: %s
                    livekit:
                      url: http://127.0.0.1:1
                      apiKey: key
                      apiSecret: ${LK_SECRET}
                    """.formatted(name, protectedEnv));
            return Environment.load(file, Map.of("LK_SECRET", PLANTED)::get);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
