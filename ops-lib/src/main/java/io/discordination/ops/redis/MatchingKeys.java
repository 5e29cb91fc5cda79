package io.discordination.ops.redis;

/**
 * How many keys match a pattern, of how many keys on the nodes counted: what
 * {@link Redis#countMatching(String)} found.
 *
 * <pre>{@code redis().countMatching("rl:*").matched();}</pre>
 */
public record MatchingKeys(String pattern, long matched, long keyspace) {
    @Override
    public String toString() {
        return KeyDeleter.count(matched) + " keys match " + pattern + " (of " + KeyDeleter.count(keyspace) + ")\n";
    }
}
