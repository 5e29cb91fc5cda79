package io.discordination.ops.redis;

import io.discordination.ops.CallCounter;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.protocol.ProtocolKeyword;

/**
 * Counts every command our Lettuce clients send, by command type ({@code INFO}, {@code CLIENT},
 * {@code SCAN}); a subcommand counts under its command ({@code CLIENT LIST} as {@code CLIENT}).
 * Registered on each client with {@code addListener}, so it sees the commands of every connection
 * the client opens.
 *
 * <pre>{@code client.addListener(new RedisCommandCounter(context.redisCommands()));}</pre>
 */
final class RedisCommandCounter implements CommandListener {
    private final CallCounter counter;

    RedisCommandCounter(CallCounter counter) {
        this.counter = counter;
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        ProtocolKeyword type = event.getCommand() == null ? null : event.getCommand().getType();
        counter.count(type == null ? "?" : type.toString());
    }
}
