package io.discordination.ops.topology;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A list setting, written either as a YAML sequence or as one comma-separated value such as
 * {@code ${PRIVATE_SUBNETS}}; its variables are read when the list is read, as a {@link Setting}'s are.
 *
 * <pre>{@code List<String> subnets = topology.ecs().network().subnets().values();}</pre>
 */
@JsonSerialize(using = SettingList.Writer.class)
public final class SettingList {
    private static final SettingList ABSENT = new SettingList(List.of(), false);

    private final List<Setting> items;
    private final boolean sequence;

    private SettingList(List<Setting> items, boolean sequence) {
        this.items = List.copyOf(items);
        this.sequence = sequence;
    }

    /** A YAML sequence of these values. */
    public static SettingList of(List<String> values) {
        return new SettingList(values.stream().map(Setting::of).toList(), true);
    }

    /** One value, split at its commas when read ({@code subnet-a,subnet-b} or {@code ${PRIVATE_SUBNETS}}). */
    public static SettingList ofText(String commaSeparated) {
        return new SettingList(List.of(Setting.of(commaSeparated)), false);
    }

    public static SettingList absent() {
        return ABSENT;
    }

    SettingList bind(String path, SettingSource source) {
        return new SettingList(items.stream().map(s -> s.bind(path, source)).toList(), sequence);
    }

    /** The values, variables resolved, each item split at commas, trimmed, empty ones left out. */
    public List<String> values() {
        List<String> out = new ArrayList<>();
        for (Setting item : items) {
            if (!item.isWritten()) continue;
            for (String part : item.resolve().split(",")) {
                String trimmed = part.trim();
                if (!trimmed.isEmpty()) out.add(trimmed);
            }
        }
        return out;
    }

    public boolean isWritten() {
        return !items.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SettingList other && items.equals(other.items) && sequence == other.sequence;
    }

    @Override
    public int hashCode() {
        return Objects.hash(items, sequence);
    }

    @Override
    public String toString() {
        return "SettingList[" + (items.isEmpty() ? "absent" : items.get(0).path() == null ? "in code" : items.get(0).path()) + "]";
    }

    static final class Writer extends JsonSerializer<SettingList> {
        @Override
        public void serialize(SettingList list, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (!list.sequence && list.items.size() == 1) {
                gen.writeString(list.items.get(0).raw());
                return;
            }
            gen.writeStartArray();
            for (Setting item : list.items) gen.writeString(item.raw());
            gen.writeEndArray();
        }

        @Override
        public boolean isEmpty(SerializerProvider provider, SettingList list) {
            return list.items.isEmpty();
        }
    }
}
