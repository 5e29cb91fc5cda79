package io.discordination.ops.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a record holds for a setting or section the file leaves out, so no reader meets a null. */
final class Defaults {
    private Defaults() {
    }

    static Setting orAbsent(Setting setting) {
        return setting == null ? Setting.absent() : setting;
    }

    static SettingList orAbsent(SettingList list) {
        return list == null ? SettingList.absent() : list;
    }

    /** A read-only copy in the file's order; {@link Setting#absent()} for a short name written with no value. */
    static Map<String, Setting> names(Map<String, Setting> names) {
        if (names == null) return Map.of();
        Map<String, Setting> copy = new LinkedHashMap<>();
        names.forEach((k, v) -> copy.put(k, orAbsent(v)));
        return Collections.unmodifiableMap(copy);
    }
}
