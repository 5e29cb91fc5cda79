package io.discordination.ops.redis;

import io.discordination.ops.text.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code INFO <section>} parsed into fields, per node (one node for a standalone server).
 *
 * <pre>{@code long clients = redis().info("clients").asLong("connected_clients");}</pre>
 */
public record RedisInfo(String section, List<NodeFields> nodes) {

    /** The fields one node reported, in its order. */
    public record NodeFields(String node, Map<String, String> fields) {
        public NodeFields {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    public RedisInfo {
        nodes = List.copyOf(nodes);
    }

    /** The field on the first node (the server, when standalone). */
    public Optional<String> get(String field) {
        return nodes.isEmpty() ? Optional.empty() : Optional.ofNullable(nodes.get(0).fields().get(field));
    }

    /** A numeric field summed over the nodes; 0 when absent. */
    public long asLong(String field) {
        long sum = 0;
        for (NodeFields n : nodes) {
            String v = n.fields().get(field);
            if (v == null) continue;
            try {
                sum += Long.parseLong(v.trim());
            } catch (NumberFormatException notAnInteger) {
                sum += (long) Double.parseDouble(v.trim());
            }
        }
        return sum;
    }

    /** Parses the text of {@code INFO}: {@code # Section} headers, {@code key:value} lines. */
    static Map<String, String> parse(String info) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int colon = line.indexOf(':');
            if (colon > 0) fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return fields;
    }

    @Override
    public String toString() {
        String title = "# " + (section == null || section.isEmpty() ? "default" : section) + "\n";
        if (nodes.size() == 1) {
            List<Object> kv = new ArrayList<>();
            nodes.get(0).fields().forEach((k, v) -> { kv.add(k); kv.add(v); });
            return title + (kv.isEmpty() ? "(no fields)\n" : Table.fields(kv.toArray()));
        }
        Set<String> names = new LinkedHashSet<>();
        nodes.forEach(n -> names.addAll(n.fields().keySet()));
        List<String> headers = new ArrayList<>();
        headers.add("FIELD");
        nodes.forEach(n -> headers.add(n.node()));
        Table table = Table.with(headers.toArray(String[]::new));
        for (String name : names) {
            List<Object> row = new ArrayList<>();
            row.add(name);
            nodes.forEach(n -> row.add(n.fields().get(name)));
            table.row(row.toArray());
        }
        return title + table;
    }
}
