package io.discordination.ops.redis;

import io.discordination.ops.text.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The connected clients ({@code CLIENT LIST}) of every node. Prints one line per node and
 * client name: how many, their subscriptions, the longest idle.
 *
 * <pre>{@code redis().clients().byName().get("gateway");}</pre>
 */
public record RedisClients(List<Client> clients) {

    /** One connection as {@code CLIENT LIST} shows it; ages in seconds. */
    public record Client(String node, long id, String address, String name, long ageSeconds, long idleSeconds,
                         String flags, int db, int subscriptions, int patternSubscriptions, String lastCommand,
                         String user) {
    }

    public RedisClients {
        clients = List.copyOf(clients);
    }

    public int count() {
        return clients.size();
    }

    /** Connections per client name ({@code (unnamed)} for none), over every node. */
    public Map<String, Long> byName() {
        Map<String, Long> out = new LinkedHashMap<>();
        clients.forEach(c -> out.merge(displayName(c), 1L, Long::sum));
        return out;
    }

    /** Clients subscribed to at least one channel or pattern: gateways listening on pub/sub. */
    public long subscribers() {
        return clients.stream().filter(c -> c.subscriptions() + c.patternSubscriptions() > 0).count();
    }

    static List<Client> parse(String node, String clientList) {
        List<Client> out = new ArrayList<>();
        for (String line : clientList.split("\r?\n")) {
            if (line.isBlank()) continue;
            Map<String, String> f = new LinkedHashMap<>();
            for (String part : line.trim().split(" ")) {
                int eq = part.indexOf('=');
                if (eq > 0) f.put(part.substring(0, eq), part.substring(eq + 1));
            }
            out.add(new Client(node, num(f.get("id")), f.getOrDefault("addr", ""), f.getOrDefault("name", ""),
                    num(f.get("age")), num(f.get("idle")), f.getOrDefault("flags", ""), (int) num(f.get("db")),
                    (int) num(f.get("sub")), (int) num(f.get("psub")), f.getOrDefault("cmd", ""), f.getOrDefault("user", "")));
        }
        return out;
    }

    private static long num(String v) {
        if (v == null || v.isEmpty()) return 0;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String displayName(Client c) {
        return c.name().isEmpty() ? "(unnamed)" : c.name();
    }

    @Override
    public String toString() {
        record Group(String node, String name) {
        }
        Map<Group, long[]> groups = new LinkedHashMap<>();
        for (Client c : clients) {
            long[] g = groups.computeIfAbsent(new Group(c.node(), displayName(c)), k -> new long[4]);
            g[0]++;
            g[1] += c.subscriptions() + c.patternSubscriptions();
            g[2] = Math.max(g[2], c.idleSeconds());
            g[3] = Math.max(g[3], c.ageSeconds());
        }
        Table table = Table.with("NODE", "NAME", "CLIENTS", "SUBSCRIPTIONS", "MAX IDLE (s)", "OLDEST (s)");
        groups.forEach((k, g) -> table.row(k.node(), k.name(), g[0], g[1], g[2], g[3]));
        return count() + " clients, " + subscribers() + " subscribed to pub/sub\n" + table;
    }
}
