package io.discordination.ops.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an environment file into a {@link Topology} and writes one back: the one schema, used by
 * the library to read {@code environments/*.yaml} and by the sandbox to write {@code local.yaml}.
 * An unknown key is a {@link TopologyProblem} naming it.
 *
 * <pre>{@code
 * Topology prod = TopologyFiles.read(new YAMLMapper().readTree(file), source);
 * String yaml = TopologyFiles.write(topology);
 * }</pre>
 */
public final class TopologyFiles {
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectMapper WRITER = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build())
            .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

    private TopologyFiles() {
    }

    /**
     * The topology in {@code root} (a parsed YAML document), its settings named by their dotted
     * paths and resolved against {@code source} when read.
     *
     * @throws TopologyProblem if a key is unknown or a value has the wrong shape
     */
    public static Topology read(JsonNode root, SettingSource source) {
        Topology unbound;
        try {
            unbound = READER.treeToValue(root, Topology.class);
        } catch (UnrecognizedPropertyException e) {
            String setting = dotted(e.getPath());
            List<String> known = keysOf(e.getReferringClass());
            throw new TopologyProblem("unknown setting '" + setting + "'"
                    + (known.isEmpty() ? "" : " (known " + where(setting) + ": " + String.join(", ", known) + ")"), setting, known);
        } catch (JsonMappingException e) {
            String setting = dotted(e.getPath());
            // the parser's own message quotes the value (a password, perhaps): say only what was expected
            throw new TopologyProblem("setting '" + setting + "' should be " + expected(e), setting, List.of());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new TopologyProblem("it does not match the environment schema", "", List.of());
        }
        return (Topology) bind(unbound, "", source);
    }

    /**
     * The settings the schema marks {@link Credential}, by dotted path, each with whether it is a URL
     * whose credentials are secret ({@code true}) or a value that is secret as a whole.
     */
    public static Map<String, Boolean> credentials() {
        Map<String, Boolean> found = new LinkedHashMap<>();
        credentials(Topology.class, "", found);
        return found;
    }

    private static void credentials(Class<?> section, String path, Map<String, Boolean> found) {
        for (RecordComponent c : section.getRecordComponents()) {
            String key = c.getAccessor().isAnnotationPresent(JsonValue.class) ? path : join(path, keyOf(c));
            Credential credential = c.getAnnotation(Credential.class);
            if (credential != null) found.put(key, credential.inUrl());
            if (c.getType().isRecord()) credentials(c.getType(), key, found);
        }
    }

    /** {@code topology} as the YAML of an environment file; settings the file would not have are left out. */
    public static String write(Topology topology) {
        try {
            return WRITER.writeValueAsString(withoutEmptySections(WRITER.valueToTree(topology)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the topology as YAML", e);
        }
    }

    /** {@code node} without the mappings that hold nothing: a section the file would not have. */
    private static JsonNode withoutEmptySections(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> empty = new ArrayList<>();
            object.properties().forEach(e -> {
                withoutEmptySections(e.getValue());
                if (e.getValue() instanceof ObjectNode o && o.isEmpty()) empty.add(e.getKey());
            });
            object.remove(empty);
        }
        return node;
    }

    private static String where(String setting) {
        int dot = setting.lastIndexOf('.');
        return dot < 0 ? "at the top level" : "under " + setting.substring(0, dot);
    }

    private static String expected(JsonMappingException e) {
        Class<?> type = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m ? m.getTargetType() : null;
        if (type == null) return "of another shape";
        if (type == Setting.class || type == String.class) return "a single value, not a mapping or a list";
        if (type == SettingList.class) return "a value or a list of values";
        if (type == boolean.class || type == Boolean.class) return "true or false";
        if (Map.class.isAssignableFrom(type) || type.isRecord()) return "a mapping";
        return "of another shape";
    }

    private static String dotted(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() == null) continue; // an index into a list: the list's name says enough
            if (!sb.isEmpty()) sb.append('.');
            sb.append(ref.getFieldName());
        }
        return sb.toString();
    }

    /** A copy of {@code node} whose settings carry their dotted path and {@code source}. */
    private static Object bind(Object node, String path, SettingSource source) {
        if (node instanceof Setting s) return s.bind(path, source);
        if (node instanceof SettingList l) return l.bind(path, source);
        if (node instanceof Map<?, ?> names) {
            Map<String, Object> bound = new LinkedHashMap<>();
            names.forEach((k, v) -> bound.put(String.valueOf(k), bind(v, join(path, String.valueOf(k)), source)));
            return bound;
        }
        if (node instanceof Record section) return bindRecord(section, path, source);
        return node;
    }

    private static Record bindRecord(Record section, String path, SettingSource source) {
        RecordComponent[] components = section.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                types[i] = c.getType();
                String key = c.getAccessor().isAnnotationPresent(JsonValue.class) ? path : join(path, keyOf(c));
                values[i] = bind(c.getAccessor().invoke(section), key, source);
            }
            Constructor<?> canonical = section.getClass().getDeclaredConstructor(types);
            return (Record) canonical.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot bind " + section.getClass().getSimpleName(), e);
        }
    }

    /** The keys a section allows, in the schema's order. */
    private static List<String> keysOf(Class<?> section) {
        List<String> keys = new ArrayList<>();
        if (section != null && section.isRecord()) {
            for (RecordComponent c : section.getRecordComponents()) keys.add(keyOf(c));
        }
        return keys;
    }

    private static String keyOf(RecordComponent c) {
        JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
        return named != null && !named.value().isEmpty() ? named.value() : c.getName();
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
