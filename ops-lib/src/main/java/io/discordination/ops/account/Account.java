package io.discordination.ops.account;

import io.discordination.ops.HandleContext;
import io.discordination.ops.OpsException;
import io.discordination.ops.gate.CommandTemplate;
import io.discordination.ops.gate.Effect;
import io.discordination.ops.postgres.PostgresPool;
import io.discordination.ops.redis.Redis;
import io.discordination.ops.redis.RedisConnections;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.function.Supplier;

/**
 * One Discordination user, for the compromised-account runbook: sessions in PostgreSQL
 * ({@code sessions.user_id}), the account flag ({@code users.disabled}), and the Redis channel
 * {@code user:<id>} its gateways listen on. The id is checked (a UUID) when the handle is made,
 * before anything runs; every verb first checks the user exists. Effects go through the Gate,
 * each audited with the runbook's own SQL or command.
 *
 * <pre>{@code account("8d3c1f0e-5b7a-4c1e-9f7d-2a6b3c4d5e6f").lockDown();}</pre>
 */
public final class Account {
    /** {@link #invalidateSessions()}. */
    public static final CommandTemplate INVALIDATE_SESSIONS = CommandTemplate.of(
            "psql \"$DATABASE_URL\" -c \"DELETE FROM sessions WHERE user_id = '<user_id>'\"");
    /** {@link #disable()}. */
    public static final CommandTemplate DISABLE = CommandTemplate.of(
            "psql \"$DATABASE_URL\" -c \"UPDATE users SET disabled = true WHERE id = '<user_id>'\"");
    private static final CommandTemplate ENABLE = CommandTemplate.of(
            "psql \"$DATABASE_URL\" -c \"UPDATE users SET disabled = false WHERE id = '<user_id>'\"");
    static final String FORCE_DISCONNECT = "{\"type\":\"ForceDisconnect\"}";

    private final Supplier<PostgresPool> postgres;
    private final Supplier<RedisConnections> redis;
    private final HandleContext context;
    private final UserId id;

    /**
     * The account {@code userId} in the database of {@code postgres} and on the pub/sub of
     * {@code redis}, each made on first use.
     *
     * @throws OpsException.InvalidInputException when {@code userId} is not a UUID
     */
    public Account(Supplier<PostgresPool> postgres, Supplier<RedisConnections> redis, HandleContext context, String userId) {
        this.postgres = postgres;
        this.redis = redis;
        this.context = context;
        this.id = UserId.parse(userId);
    }

    public UserId id() {
        return id;
    }

    /** Whether the account is disabled, its sessions, and the gateways listening on its channel. */
    public AccountStatus status() {
        boolean disabled = requireUser();
        long sessions = countSessions();
        long gateways = redis.get().numsub(id.channel()).get(id.channel());
        return new AccountStatus(id.toString(), disabled, sessions, gateways);
    }

    /** Deletes every session of this user (the runbook's {@code DELETE FROM sessions WHERE user_id = ...}). Destructive. */
    public SessionsInvalidated invalidateSessions() {
        requireUser();
        PostgresPool pool = postgres.get();
        long existing = countSessions();
        Effect effect = Effect.on("postgres", "sessions of user " + id + " in " + pool.database())
                .verb("invalidate-sessions").param("userId", id.toString()).param("sessions", existing).destructive()
                .inverse("cannot be undone: the user signs in again")
                .command(INVALIDATE_SESSIONS.with("user_id", id.toString())).build();
        return context.gate().apply(effect, () -> pool.withConnection(c -> {
            try (PreparedStatement st = pool.prepare(c, "DELETE FROM sessions WHERE user_id = ?")) {
                st.setString(1, id.toString());
                return new SessionsInvalidated(id.toString(), st.executeUpdate(), false, effect);
            }
        }), () -> new SessionsInvalidated(id.toString(), existing, true, effect));
    }

    /**
     * Publishes {@code {"type":"ForceDisconnect"}} on {@code user:<id>} so that every gateway
     * holding one of the user's WebSockets closes it. Not destructive. Returns how many gateways
     * received it.
     */
    public ForcedDisconnect forceDisconnect() {
        requireUser();
        RedisConnections redis = this.redis.get();
        String channel = id.channel();
        Effect effect = Effect.on("redis", "channel " + channel).verb("force-disconnect")
                .param("userId", id.toString()).param("channel", channel).param("message", FORCE_DISCONNECT)
                .command(Redis.PUBLISH.with("channel", channel).with("message", FORCE_DISCONNECT)).build();
        return context.gate().apply(effect, () -> new ForcedDisconnect(id.toString(), channel, redis.publish(channel, FORCE_DISCONNECT), false, effect),
                () -> new ForcedDisconnect(id.toString(), channel, redis.numsub(channel).get(channel), true, effect));
    }

    /** Disables the account ({@code UPDATE users SET disabled = true}). Destructive; the inverse sets it back. */
    public AccountDisabled disable() {
        boolean wasDisabled = requireUser();
        PostgresPool pool = postgres.get();
        Effect effect = Effect.on("postgres", "user " + id + " in " + pool.database()).verb("disable-account")
                .param("userId", id.toString()).destructive()
                .inverse(ENABLE.with("user_id", id.toString()).render())
                .command(DISABLE.with("user_id", id.toString())).build();
        return context.gate().apply(effect, () -> pool.withConnection(c -> {
            try (PreparedStatement st = pool.prepare(c, "UPDATE users SET disabled = true WHERE id = ?")) {
                st.setString(1, id.toString());
                if (st.executeUpdate() == 0) throw noSuchUser(pool);
                return new AccountDisabled(id.toString(), wasDisabled, false, effect);
            }
        }), () -> new AccountDisabled(id.toString(), wasDisabled, true, effect),
                // an account that was disabled before this run stays disabled when the run is undone
                done -> done.wasDisabled() ? null : enableEffect(pool));
    }

    /**
     * Enables the account again ({@code UPDATE users SET disabled = false}): the inverse of
     * {@link #disable}, which {@code ops undo} runs. Destructive: it lets the user back in.
     *
     * <pre>{@code account(id).enable();}</pre>
     */
    public AccountEnabled enable() {
        boolean wasDisabled = requireUser();
        PostgresPool pool = postgres.get();
        Effect effect = enableEffect(pool);
        return context.gate().apply(effect, () -> pool.withConnection(c -> {
            try (PreparedStatement st = pool.prepare(c, "UPDATE users SET disabled = false WHERE id = ?")) {
                st.setString(1, id.toString());
                if (st.executeUpdate() == 0) throw noSuchUser(pool);
                return new AccountEnabled(id.toString(), wasDisabled, false, effect);
            }
        }), () -> new AccountEnabled(id.toString(), wasDisabled, true, effect));
    }

    private Effect enableEffect(PostgresPool pool) {
        return Effect.on("postgres", "user " + id + " in " + pool.database()).verb("enable-account")
                .param("userId", id.toString()).destructive()
                .inverse(DISABLE.with("user_id", id.toString()).render())
                .command(ENABLE.with("user_id", id.toString())).build();
    }

    /**
     * The whole compromised-account runbook in its order: invalidate sessions, force the
     * WebSockets to disconnect, disable the account. Each step is its own audited effect; if one
     * fails, the steps before it stay done and the error says which step failed.
     */
    public LockDown lockDown() {
        requireUser();
        SessionsInvalidated sessions = invalidateSessions();
        ForcedDisconnect disconnect = step("force disconnect", this::forceDisconnect);
        AccountDisabled disabled = step("disable account", this::disable);
        return new LockDown(id.toString(), sessions, disconnect, disabled);
    }

    private <T> T step(String name, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (OpsException.RefusedException refused) {
            throw refused;
        } catch (OpsException e) {
            throw OpsException.builder("Lock-down of user " + id + " failed at '" + name + "': " + e.getMessage())
                    .service("account").hint("the steps before it are done; fix the cause and run lockDown() again").cause(e).build();
        }
    }

    /** Checks the user exists; returns whether the account is disabled. */
    private boolean requireUser() {
        PostgresPool pool = postgres.get();
        return pool.withConnection(c -> {
            try (PreparedStatement st = pool.prepare(c, "SELECT disabled FROM users WHERE id = ?")) {
                st.setString(1, id.toString());
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) throw noSuchUser(pool);
                    return rs.getBoolean(1);
                }
            }
        });
    }

    private long countSessions() {
        PostgresPool pool = postgres.get();
        return pool.withConnection(c -> {
            try (PreparedStatement st = pool.prepare(c, "SELECT count(*) FROM sessions WHERE user_id = ?")) {
                st.setString(1, id.toString());
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private OpsException noSuchUser(PostgresPool pool) {
        return OpsException.builder("No user " + id + " in database " + pool.database()).service("account")
                .environment(context.environment().name()).hint("check the id; nothing was changed").notFound();
    }

    @Override
    public String toString() {
        return "Account[" + id + "]";
    }
}
