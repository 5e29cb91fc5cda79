package io.discordination.ops.topology;

/**
 * The {@code postgres:} section: how the tool connects to the platform's database.
 *
 * <pre>{@code Secret url = Secret.of(topology.postgres().url().required());}</pre>
 *
 * @param url          {@code postgresql://user:password@host:5432/db} of the tool's own role; its credentials are secret
 * @param database     the database name, when the URL names none
 * @param readUser     the read-only role of ad-hoc queries
 * @param readPassword its password: secret
 */
public record PostgresTopology(@Credential(inUrl = true) Setting url, Setting database, Setting readUser,
                               @Credential Setting readPassword) {
    public PostgresTopology {
        url = Defaults.orAbsent(url);
        database = Defaults.orAbsent(database);
        readUser = Defaults.orAbsent(readUser);
        readPassword = Defaults.orAbsent(readPassword);
    }

    static PostgresTopology empty() {
        return new PostgresTopology(null, null, null, null);
    }
}
