package io.discordination.ops;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Objects;

/**
 * A value that must never be printed: {@code toString()}, JSON and exception messages show {@code ****}.
 * The only way to the value is {@link #reveal()}, which code calls at the moment it hands it to a client.
 *
 * <pre>{@code Secret password = Secret.of(System.getenv("DB_PASSWORD"));}</pre>
 */
public final class Secret {
    public static final String MASK = "****";

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The plain value. Hand it to a client; never log, print or concatenate it into a message. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @JsonValue
    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && java.security.MessageDigest.isEqual(
                value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
