package io.discordination.ops.sandbox;

/**
 * One part of the sandbox as {@code ops sandbox status} shows it.
 *
 * <pre>{@code sandbox.status().forEach(s -> System.out.println(s.name() + " " + s.healthy()));}</pre>
 *
 * @param name    moto, redis, postgres, agent (LiveKit emulator and ECS simulator)
 * @param address where it listens
 * @param pid     its process id, 0 if it is not running
 * @param running its process is alive
 * @param healthy it answered a live health check just now
 * @param detail  what the check saw, or why it failed
 */
public record ComponentStatus(String name, String address, long pid, boolean running, boolean healthy, String detail) {
}
