package io.discordination.ops.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an environment file into a {@link Topology} and writes one back: the one schema, used by
 * the library to read {@code environments/*.yaml} and by the sandbox to write {@code local.yaml}.
 * An unknown key is a {@link TopologyProblem} naming it.
 *
 * <pre>{@code
 * Topology prod = TopologyFiles.read(TopologyFiles.parse(file), source);
 * String yaml = TopologyFiles.write(topology);
 * }</pre>
 */
public final class TopologyFiles {
    private static final YAMLFactory YAML_FILES = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> BOOLEAN_TEXT = Set.of("true", "True", "TRUE", "false", "False", "FALSE");

    private TopologyFiles() {
    }

    /** Builds the writer on first use: only the sandbox writes a file, and every command reads one. */
    private static final class Writer {
        static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .build())
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);
    }

    /**
     * The first YAML document of {@code file} as a tree (Jackson's YAML parser, so scalars are typed
     * as {@code ObjectMapper.readTree} types them), or null when the file holds no document. The
     * tree is built from the parser's tokens: an {@code ObjectMapper} costs a command's start about
     * 60 ms to construct, and reading an environment needs none of it.
     *
     * @throws JsonProcessingException when the file is not valid YAML
     */
    public static JsonNode parse(Path file) throws IOException {
        try (JsonParser p = YAML_FILES.createParser(file.toFile())) {
            return p.nextToken() == null ? null : tree(p);
        }
    }

    /** The value that starts at the parser's current token, the parser left on its last token. */
    private static JsonNode tree(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    object.set(key, tree(p));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) array.add(tree(p));
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(p.getBooleanValue());
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> {
                // a YAML !!binary or another tag Jackson hands over as an object: its text, as readTree has it
                return NODES.textNode(p.getValueAsString());
            }
        }
    }

    /**
     * The topology in {@code root} (a parsed YAML document), its settings named by their dotted
     * paths and resolved against {@code source} when read. The records are the schema: each
     * mapping is read against its record's components, by reflection, without Jackson's data
     * binding (whose first use costs a command's start tens of milliseconds).
     *
     * @throws TopologyProblem if a key is unknown or a value has the wrong shape
     */
    public static Topology read(JsonNode root, SettingSource source) {
        Topology unbound;
        try {
            unbound = (Topology) value(Topology.class, root, "");
        } catch (IllegalArgumentException e) {
            throw new TopologyProblem("it does not match the environment schema", "", List.of());
        }
        return (Topology) bind(unbound, "", source);
    }

    /** What {@code node} (null when the file leaves the setting out) holds as a {@code type}, unbound. */
    private static Object value(Type type, JsonNode node, String path) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        boolean absent = node == null || node.isNull() || node.isMissingNode();
        if (raw == Setting.class) {
            if (absent) return Setting.absent();
            if (!node.isValueNode()) throw wrongShape(path, raw);
            return Setting.of(node.asText());
        }
        if (raw == SettingList.class) {
            if (absent) return SettingList.absent();
            if (node.isValueNode()) return SettingList.ofText(node.asText());
            if (!node.isArray()) throw wrongShape(path, raw);
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                if (item.isNull()) continue;
                if (!item.isValueNode()) throw wrongShape(path, raw);
                items.add(item.asText());
            }
            return SettingList.of(items);
        }
        if (raw == String.class) {
            if (absent) return null;
            if (!node.isValueNode()) throw wrongShape(path, raw);
            return node.asText();
        }
        if (raw == boolean.class) {
            if (absent) return false;
            if (node.isBoolean()) return node.booleanValue();
            // quoted, as Jackson's binding took it ("true", "True", "TRUE"); a number is refused, not guessed at
            if (node.isTextual() && BOOLEAN_TEXT.contains(node.textValue())) return Boolean.parseBoolean(node.textValue());
            throw wrongShape(path, raw);
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (absent) return null;
            if (!node.isObject()) throw wrongShape(path, raw);
            Type values = ((ParameterizedType) type).getActualTypeArguments()[1];
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), value(values, e.getValue(), join(path, e.getKey()))));
            return map;
        }
        if (raw.isRecord()) return absent ? null : section(raw, node, path);
        throw new IllegalStateException("The environment schema has a " + type + " at '" + path + "', which no file can hold");
    }

    /** The record {@code section} read from the mapping {@code node}; an unknown key names what is known there. */
    private static Record section(Class<?> section, JsonNode node, String path) {
        RecordComponent[] components = section.getRecordComponents();
        Object[] values = new Object[components.length];
        if (components.length == 1 && components[0].getAccessor().isAnnotationPresent(JsonValue.class)) {
            // the section is the mapping itself (logs:, secrets:), its keys the short names
            values[0] = value(components[0].getGenericType(), node, path);
        } else {
            if (!node.isObject()) throw wrongShape(path, section);
            List<String> keys = keysOf(section);
            for (int i = 0; i < components.length; i++) values[i] = value(components[i].getGenericType(), null, join(path, keys.get(i)));
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                int i = keys.indexOf(e.getKey());
                String setting = join(path, e.getKey());
                if (i < 0) {
                    throw new TopologyProblem("unknown setting '" + setting + "' (known " + where(setting) + ": "
                            + String.join(", ", keys) + ")", setting, keys);
                }
                values[i] = value(components[i].getGenericType(), e.getValue(), setting);
            }
        }
        return construct(section, components, values);
    }

    private static Record construct(Class<?> section, RecordComponent[] components, Object[] values) {
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) types[i] = components[i].getType();
        try {
            return (Record) section.getDeclaredConstructor(types).newInstance(values);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException refused) throw refused;
            throw new IllegalStateException("Cannot make " + section.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot make " + section.getSimpleName(), e);
        }
    }

    /** The value at {@code setting} is of another shape than the schema's: says what was expected, never what was found (a password, perhaps). */
    private static TopologyProblem wrongShape(String setting, Class<?> type) {
        String expected;
        if (type == Setting.class || type == String.class) expected = "a single value, not a mapping or a list";
        else if (type == SettingList.class) expected = "a value or a list of values";
        else if (type == boolean.class) expected = "true or false";
        else expected = "a mapping";
        return new TopologyProblem("setting '" + setting + "' should be " + expected, setting, List.of());
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
            return Writer.YAML.writeValueAsString(withoutEmptySections(Writer.YAML.valueToTree(topology)));
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
        try {
            for (int i = 0; i < components.length; i++) {
                RecordComponent c = components[i];
                String key = c.getAccessor().isAnnotationPresent(JsonValue.class) ? path : join(path, keyOf(c));
                values[i] = bind(c.getAccessor().invoke(section), key, source);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot bind " + section.getClass().getSimpleName(), e);
        }
        return construct(section.getClass(), components, values);
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
