package io.discordination.ops.account;

import io.discordination.ops.OpsException;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A Discordination user id: a UUID in canonical form ({@code 8d3c1f0e-...}), checked before
 * anything runs, so that no other text reaches SQL or a channel name.
 *
 * <pre>{@code UserId id = UserId.parse("8d3c1f0e-5b7a-4c1e-9f7d-2a6b3c4d5e6f");}</pre>
 */
public record UserId(UUID value) {
    private static final Pattern CANONICAL = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Parses a canonical UUID; anything else is an invalid-input error that quotes at most 40 characters of it. */
    public static UserId parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (!CANONICAL.matcher(trimmed).matches()) {
            String shown = text == null ? "null" : "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
            throw OpsException.builder("Invalid user id " + shown + ": a user id is a UUID such as 8d3c1f0e-5b7a-4c1e-9f7d-2a6b3c4d5e6f")
                    .service("account").hint("nothing was run; check the id").invalidInput();
        }
        return new UserId(UUID.fromString(trimmed));
    }

    /** The Redis channel its gateways listen on. */
    public String channel() {
        return "user:" + this;
    }

    @Override
    public String toString() {
        return value.toString().toLowerCase(Locale.ROOT);
    }
}
