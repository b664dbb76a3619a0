package io.berth.dockerapi.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Request and response JSON as Go's encoding/json treats it: a request's fields are found whatever
 * their case, {@code null} and absent are the same (the zero value), unknown fields are ignored.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static byte[] line(Object value, String end) throws JsonProcessingException {
        byte[] bytes = MAPPER.writeValueAsBytes(value);
        byte[] tail = end.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[bytes.length + tail.length];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        System.arraycopy(tail, 0, out, bytes.length, tail.length);
        return out;
    }

    /** {@code object}'s field {@code name} in any case, or {@code null} when absent or JSON null. */
    static JsonNode get(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact.isNull() ? null : exact;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue().isNull() ? null : e.getValue();
            }
        }
        return null;
    }

    static String text(JsonNode object, String name) {
        JsonNode n = get(object, name);
        return n == null ? null : n.asText();
    }

    /** A string field, {@code null} when absent or empty (Go's zero value). */
    static String nonEmpty(JsonNode object, String name) {
        String s = text(object, name);
        return s == null || s.isEmpty() ? null : s;
    }

    static boolean bool(JsonNode object, String name) {
        JsonNode n = get(object, name);
        return n != null && n.asBoolean(false);
    }

    static Boolean optionalBool(JsonNode object, String name) {
        JsonNode n = get(object, name);
        return n == null ? null : n.asBoolean(false);
    }

    static long longValue(JsonNode object, String name) {
        JsonNode n = get(object, name);
        return n == null ? 0 : n.asLong(0);
    }

    static Integer optionalInt(JsonNode object, String name) {
        JsonNode n = get(object, name);
        return n == null ? null : n.asInt();
    }

    /** A list of strings, {@code null} when absent; a single string is a one-element list (Go's strslice). */
    static List<String> strings(JsonNode object, String name) {
        JsonNode n = get(object, name);
        if (n == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(x -> out.add(x.asText()));
        } else {
            out.add(n.asText());
        }
        return out;
    }

    /** A string-to-string object, {@code null} when absent. */
    static Map<String, String> stringMap(JsonNode object, String name) {
        JsonNode n = get(object, name);
        if (n == null || !n.isObject()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        return out;
    }

    /** The keys of an object such as {@code ExposedPorts} or {@code Volumes}; empty when absent. */
    static List<String> keys(JsonNode object, String name) {
        JsonNode n = get(object, name);
        List<String> out = new ArrayList<>();
        if (n != null && n.isObject()) {
            n.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }
}
