package io.discordination.ops.sandbox;

import java.util.List;

/**
 * The well-known values the sandbox is seeded with, for runbook demos and tests. The same values
 * are described in docs/sandbox.md.
 *
 * <pre>{@code account(SeedData.WELL_KNOWN_USER_ID).invalidateSessions();}</pre>
 */
public final class SeedData {
    private SeedData() {
    }

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "123456789012";
    public static final String CLUSTER = "discordination-prod";
    public static final List<String> SERVICES = List.of("api", "gateway");
    public static final int SERVICE_TASKS = 2;
    public static final String MIGRATE_TASK_FAMILY = "discordination-migrate";
    public static final String CLEANUP_TASK_FAMILY = "discordination-cleanup";
    public static final String LOG_GROUP_API = "/ecs/discordination-api";
    public static final String LOG_GROUP_GATEWAY = "/ecs/discordination-gateway";
    public static final String LOG_GROUP_MIGRATE = "/ecs/discordination-migrate";
    public static final String LOG_GROUP_CLEANUP = "/ecs/discordination-cleanup";
    public static final String DB_INSTANCE = "discordination-prod";
    public static final String BUCKET = "discordination-files";
    public static final String IP_SET_NAME = "blocked-ips";
    public static final String JWT_SECRET_ID = "discordination/jwt-secret";
    public static final String DB_PASSWORD_SECRET_ID = "discordination/db-password";
    /** The rotation function of the database password (PostgreSQL, single user), played by the sandbox agent. */
    public static final String DB_PASSWORD_ROTATION_FUNCTION = "discordination-rotate-db-password";
    /** The rotation function of the JWT signing secret, played by the sandbox agent. */
    public static final String JWT_SECRET_ROTATION_FUNCTION = "discordination-rotate-jwt-secret";
    /** Days between automatic rotations of both secrets (the schedule is recorded, never run by itself). */
    public static final int ROTATION_DAYS = 30;
    /** The control plane's DynamoDB table (runs, leases, saved plans, approvals), from deploy/control-plane.yaml, as in prod.yaml. */
    public static final String REGISTRY_TABLE = "discordination-ops";
    /** The central audit trail's log group, as in prod.yaml. */
    public static final String AUDIT_LOG_GROUP = "/discordination/ops/audit";
    /** The bucket of run journals, as in prod.yaml (its default). */
    public static final String JOURNAL_BUCKET = "discordination-ops";
    /** The key prefix of run journals in it. */
    public static final String JOURNAL_PREFIX = "journals/";
    public static final String DATABASE = "discordination";
    /** The application's role (api, gateway): owner of the database, its password is the secret {@link #DB_PASSWORD_SECRET_ID}. */
    public static final String DATABASE_USER = "discordination";
    /**
     * The on-call tool's own role ({@code postgres.url}, {@code DATABASE_URL}): reads everything, sees and
     * signals every session (pg_monitor, pg_signal_backend), deletes sessions and disables users. Not the
     * application's role, so rotating the application's password never locks the tool out.
     */
    public static final String OPS_DATABASE_USER = "discordination_ops";
    /** The role of ad-hoc reads ({@code postgres.readUser}): pg_read_all_data and read-only transactions, nothing else. */
    public static final String READ_DATABASE_USER = "discordination_readonly";

    /** The sandbox's stand-ins for the platform's own public ranges ({@code waf.platformRanges}): a block may not overlap them. */
    public static final List<String> PLATFORM_RANGES = List.of("198.18.0.0/24", "2001:db8:ffff::/48");
    /** Addresses already in the WAF IP set {@code blocked-ips}. */
    public static final List<String> BLOCKED_ADDRESSES = List.of("192.0.2.10/32", "198.51.100.200/32");

    /** The client IP behind most HTTP 429 lines in {@code /ecs/discordination-api} (the abuser to block). */
    public static final String DOMINANT_429_IP = "203.0.113.77";
    /** Other clients that were rate limited a few times in the last hour. */
    public static final List<String> OTHER_429_IPS = List.of("198.51.100.14", "192.0.2.45", "203.0.113.9");
    /**
     * A client that never got a 429 but whose successful requests carry "429" elsewhere in the line
     * (request ids, durations): 8 such lines in each api task's stream. A search for the term
     * {@code "429"} finds it; one on the status field does not.
     */
    public static final String LOOKALIKE_429_IP = "10.1.2.3";

    /** A user with sessions, Redis session and presence keys, and a seat in a voice room: the "compromised account". */
    public static final String WELL_KNOWN_USER_ID = "7c0e5a2b-4f1d-4e8a-9b3c-2d6f8a1e5b04";
    public static final String WELL_KNOWN_USERNAME = "carol";
    public static final int WELL_KNOWN_USER_SESSIONS = 4;
    public static final int USERS = 40;

    /** The voice channel the well-known user is connected to. */
    public static final String VOICE_CHANNEL_ID = "1180000000000000101";
    public static final String VOICE_ROOM = "voice:" + VOICE_CHANNEL_ID;
    /** Every seeded voice room; the first has the well-known user in it. */
    public static final List<String> VOICE_ROOMS = List.of(
            "voice:1180000000000000101", "voice:1180000000000000102", "voice:1180000000000000103");

    /** An attachment that was deleted: a delete marker over two earlier versions. */
    public static final String DELETED_FILE_ID = "1183245072950931456";
    public static final String DELETED_FILE_KEY = "attachments/" + DELETED_FILE_ID + "/release-notes.txt";
    /** The content of the deleted attachment's versions, oldest first. */
    public static final List<String> DELETED_FILE_VERSIONS = List.of(
            "Release notes 2026.11 (draft)\n- voice: noise suppression\n",
            "Release notes 2026.11 (final)\n- voice: noise suppression\n- gateway: faster resume\n");

    public static final int API_CACHE_KEYS = 5000;
    public static final int RATE_LIMIT_KEYS = 3000;
    public static final int SESSION_KEYS = 200;
    public static final int PRESENCE_KEYS = USERS;
    public static final int USER_KEYS = USERS;

    /** The id of seeded user {@code n} (0 .. USERS-1); user 0 is the well-known user. */
    public static String userId(int n) {
        if (n == 0) return WELL_KNOWN_USER_ID;
        return java.util.UUID.nameUUIDFromBytes(("discordination-user-" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    }

    /** The username of seeded user {@code n}. */
    public static String username(int n) {
        if (n == 0) return WELL_KNOWN_USERNAME;
        String[] names = {"alice", "bob", "dmitri", "erin", "farah", "gus", "hana", "ivan", "jun", "kofi",
                "lena", "mateo", "nia", "oskar", "priya", "quinn", "rafa", "sana", "tomas", "uma"};
        return names[(n - 1) % names.length] + (n > names.length ? Integer.toString(n / names.length) : "");
    }
}
