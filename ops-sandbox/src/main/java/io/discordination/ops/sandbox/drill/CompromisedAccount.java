package io.discordination.ops.sandbox.drill;

import io.discordination.ops.sandbox.Sandbox;
import io.discordination.ops.sandbox.SeedData;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compromised account: carol's ({@link SeedData#WELL_KNOWN_USER_ID}) password was phished, and
 * the attacker has two live sessions of their own (rows in {@code sessions} from a Tor exit, seen
 * a minute ago) besides hers, and a WebSocket open: the gateway is subscribed to her pub/sub
 * channel {@code user:<id>} (held by the sandbox agent, which leaves the channel on
 * {@code ForceDisconnect}, as the gateway closes the socket).
 *
 * <pre>{@code new CompromisedAccount().breakIt(sandbox);   // 6 sessions, 1 subscriber on user:7c0e5a2b-...}</pre>
 */
public final class CompromisedAccount implements Scenario {
    static final String USER = SeedData.WELL_KNOWN_USER_ID;
    static final String CHANNEL = "user:" + USER;
    static final String ATTACKER_IP = "185.220.101.33";

    @Override
    public String name() {
        return "compromised-account";
    }

    @Override
    public String symptoms() {
        return "User " + USER + " (" + SeedData.WELL_KNOWN_USERNAME + ") reports messages she did not send; "
                + "her account has sessions from " + ATTACKER_IP + " and a connected WebSocket.";
    }

    @Override
    public void breakIt(SandboxAccess sandbox) throws Exception {
        try (Connection db = sandbox.databaseAsSuperuser();
             PreparedStatement insert = db.prepareStatement("insert into sessions (user_id, token_hash, user_agent, ip, created_at, last_seen_at)"
                     + " values (?::uuid, ?, ?, ?::inet, ?, ?)")) {
            Instant now = Instant.now();
            for (int i = 0; i < 2; i++) {
                insert.setString(1, USER);
                insert.setString(2, Integer.toHexString(("attacker-" + i + now).hashCode()) + "a".repeat(56));
                insert.setString(3, i == 0 ? "python-requests/2.32.3" : "Mozilla/5.0 (X11; Linux) Chrome/131.0");
                insert.setString(4, ATTACKER_IP);
                insert.setTimestamp(5, Timestamp.from(now.minus(Duration.ofMinutes(40 - 10 * i))));
                insert.setTimestamp(6, Timestamp.from(now.minus(Duration.ofMinutes(1))));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        sandbox.agent("/sandbox/drill/gateway/subscribe?user=" + USER, null);
    }

    @Override
    public List<Probe> probes() {
        return List.of(
                new Probe("the account has no live session", sandbox -> {
                    try (Connection db = sandbox.databaseAsSuperuser();
                         PreparedStatement q = db.prepareStatement("select count(*), count(*) filter (where ip = ?::inet) from sessions where user_id = ?::uuid")) {
                        q.setString(1, ATTACKER_IP);
                        q.setString(2, USER);
                        try (ResultSet rs = q.executeQuery()) {
                            rs.next();
                            return Observation.of(rs.getInt(1) == 0, rs.getInt(1) + " sessions (" + rs.getInt(2) + " from " + ATTACKER_IP + ")");
                        }
                    }
                }),
                new Probe("the account is disabled", sandbox -> {
                    try (Connection db = sandbox.databaseAsSuperuser();
                         PreparedStatement q = db.prepareStatement("select disabled from users where id = ?::uuid")) {
                        q.setString(1, USER);
                        try (ResultSet rs = q.executeQuery()) {
                            if (!rs.next()) return Observation.fail("no such user");
                            return Observation.of(rs.getBoolean(1), rs.getBoolean(1) ? "disabled" : "enabled");
                        }
                    }
                }),
                new Probe("no WebSocket of the account is connected (no subscriber on " + CHANNEL + ")", sandbox -> {
                    Map<String, Long> subscribers = sandbox.redis().pubsubNumsub(CHANNEL);
                    long n = subscribers.getOrDefault(CHANNEL, 0L);
                    return Observation.of(n == 0, n + " subscribers on " + CHANNEL);
                }));
    }

    @Override
    public Map<String, String> runbookParams(SandboxAccess sandbox) {
        return Map.of("user", USER);
    }

    @Override
    public Set<String> touches() {
        return Set.of(Sandbox.POSTGRES);
    }

    /** The gateway's subscription ended (the agent holds it), then PostgreSQL reseeded. */
    @Override
    public void heal(SandboxAccess sandbox) {
        sandbox.releaseAgentHoldsAndReseed(touches());
    }
}
