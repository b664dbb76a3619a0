package io.berth.shell.internal.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.UncheckedIOException;

/**
 * JSON as docker prints it: one compact object per line for {@code --format json} listings, and
 * four-space indentation for {@code inspect}.
 */
public final class Json {
    /** The mapper for Berth's output. Times are formatted by the commands, as docker formats them. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final DefaultPrettyPrinter PRETTY = new DockerPrettyPrinter();

    /** Four spaces, {@code "key": value}, and empty arrays and objects as {@code []} and {@code {}}, as Go prints them. */
    private static final class DockerPrettyPrinter extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;

        DockerPrettyPrinter() {
            super(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
            _objectIndenter = new DefaultIndenter("    ", "\n");
            _arrayIndenter = new DefaultIndenter("    ", "\n");
        }

        DockerPrettyPrinter(DockerPrettyPrinter base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new DockerPrettyPrinter(this);
        }

        @Override
        public void writeEndArray(com.fasterxml.jackson.core.JsonGenerator g, int nrOfValues) throws java.io.IOException {
            if (nrOfValues == 0) {
                _nesting--;
                g.writeRaw(']');
            } else {
                super.writeEndArray(g, nrOfValues);
            }
        }

        @Override
        public void writeEndObject(com.fasterxml.jackson.core.JsonGenerator g, int nrOfEntries) throws java.io.IOException {
            if (nrOfEntries == 0) {
                _nesting--;
                g.writeRaw('}');
            } else {
                super.writeEndObject(g, nrOfEntries);
            }
        }
    }

    private Json() {
    }

    /** One line of compact JSON. */
    public static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Indented JSON, four spaces per level, as {@code docker inspect}. */
    public static String pretty(Object value) {
        try {
            return MAPPER.writer(PRETTY).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON tree of a value, for templates. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }
}
