package io.berth.compose.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplateTest {
    private static final Map<String, String> ENV = new HashMap<>(Map.of("SET", "v", "EMPTY", "", "B", "bee"));

    private static String sub(String t) {
        return Template.substitute(t, ENV::get, u -> { });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "$SET|v", "${SET}|v", "x${SET}y|xvy", "${UNSET}|''", "$$SET|$SET", "$$|$", "a $ b|a $ b",
            "${SET:-d}|v", "${EMPTY:-d}|d", "${UNSET:-d}|d",
            "${SET-d}|v", "${EMPTY-d}|''", "${UNSET-d}|d",
            "${SET:+alt}|alt", "${EMPTY:+alt}|''", "${UNSET:+alt}|''",
            "${SET+alt}|alt", "${EMPTY+alt}|alt", "${UNSET+alt}|''",
            "${UNSET:-${B}}|bee", "${UNSET:-${UNSET2:-deep}}|deep", "${UNSET:-${B}} and ${SET}|bee and v",
            "${set}|''", "${SET:?err}|v", "${EMPTY?err}|''", "$1|$1"})
    void substitutes(String template, String expected) {
        assertThat(sub(template)).isEqualTo(expected);
    }

    @Test
    void requiredVariablesFailWithTheSpecsWords() {
        assertThatThrownBy(() -> sub("${UNSET:?IMG must be set}"))
                .hasMessage("required variable UNSET is missing a value: IMG must be set");
        assertThatThrownBy(() -> sub("${EMPTY:?}")).hasMessage("required variable EMPTY is missing a value");
        assertThatThrownBy(() -> sub("${UNSET?no ${B}}")).hasMessage("required variable UNSET is missing a value: no bee");
    }

    @Test
    void malformedTemplatesAreInvalid() {
        assertThatThrownBy(() -> sub("${IMG")).isInstanceOf(Template.InvalidTemplateException.class)
                .satisfies(e -> assertThat(((Template.InvalidTemplateException) e).template).isEqualTo("${IMG"));
        assertThatThrownBy(() -> sub("${}")).isInstanceOf(Template.InvalidTemplateException.class);
        assertThatThrownBy(() -> sub("${9X}")).isInstanceOf(Template.InvalidTemplateException.class);
    }

    @Test
    void unsetVariablesAreReported() {
        List<String> unset = new ArrayList<>();
        Template.substitute("$A ${B_UNSET} ${C:-x}", Map.<String, String>of()::get, unset::add);
        assertThat(unset).containsExactly("A", "B_UNSET");
    }
}
