package io.berth.compose.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Set;

/**
 * Validates a merged compose model against compose-go's {@code schema/compose-spec.json} (JSON Schema
 * 2020-12, pinned in this bundle's resources) with networknt's validator, and reports, as compose v2
 * does ({@code getMostSpecificError}), the one most specific error: the deepest path, an unknown key
 * before other kinds.
 */
final class SchemaValidator {
    private static final JsonSchema SCHEMA = load();

    /** An error: the dotted path ({@code services.web.ports[0]}), compose v2's words, the unknown key if that is the error. */
    record Error(String path, String message, String property) {
    }

    private SchemaValidator() {
    }

    private static JsonSchema load() {
        try (InputStream in = SchemaValidator.class.getResourceAsStream("/schema/compose-spec.json")) {
            JsonNode schema = new ObjectMapper().readTree(in);
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(com.networknt.schema.PathType.LEGACY)
                    .formatAssertionsEnabled(false).build();
            // The schema's $id is relative ("compose_spec.json"): give it a base to resolve against (nothing is fetched).
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(com.networknt.schema.SchemaLocation.of("https://compose-spec.io/schema/compose_spec.json"), schema, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the compose-spec schema", e);
        }
    }

    /** The most specific error, or {@code null} when {@code model} is valid. */
    static Error validate(JsonNode model) {
        Set<ValidationMessage> messages = SCHEMA.validate(model);
        return messages.stream().max(Comparator.comparingInt((ValidationMessage m) -> depth(path(m)))
                        .thenComparingInt(m -> "additionalProperties".equals(m.getType()) ? 1 : 0))
                .map(m -> new Error(path(m), words(m), "additionalProperties".equals(m.getType()) ? m.getProperty() : null))
                .orElse(null);
    }

    private static String path(ValidationMessage m) {
        String p = m.getInstanceLocation().toString();
        if (p.startsWith("$")) {
            p = p.substring(1);
        }
        return p.startsWith(".") ? p.substring(1) : p;
    }

    private static int depth(String path) {
        int d = path.isEmpty() ? 0 : 1;
        for (char c : path.toCharArray()) {
            if (c == '.' || c == '[') {
                d++;
            }
        }
        return d;
    }

    private static String words(ValidationMessage m) {
        Object[] args = m.getArguments();
        switch (m.getType()) {
            case "additionalProperties":
                return "additional properties '" + m.getProperty() + "' not allowed";
            case "type":
                return "must be a " + (args != null && args.length > 1 ? typeWord(String.valueOf(args[1])) : "valid type")
                        + (args != null && args.length > 0 ? ", got " + typeWord(String.valueOf(args[0])) : "");
            case "required":
                return "missing property '" + m.getProperty() + "'";
            case "enum":
                return "must be one of " + (args != null && args.length > 0 ? args[0] : "the allowed values");
            default:
                String text = m.getMessage();
                String location = m.getInstanceLocation().toString();
                return text.startsWith(location + ": ") ? text.substring(location.length() + 2) : text;
        }
    }

    private static String typeWord(String jsonType) {
        return switch (jsonType) {
            case "object" -> "mapping";
            case "array" -> "sequence";
            case "[string, number]", "[number, string]" -> "string or number";
            default -> jsonType.replace("[", "").replace("]", "").replace(", ", " or ");
        };
    }
}
