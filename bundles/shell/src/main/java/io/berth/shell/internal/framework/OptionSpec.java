package io.berth.shell.internal.framework;

import java.util.List;

/**
 * One option of a command.
 *
 * @param names its names, short ones ({@code -a}) first
 * @param description one line for the help
 * @param kind whether it is a flag, takes a value, or collects values
 * @param type the value's type word in the help ({@code string}, {@code int}, {@code list})
 * @param absentValue the value when the option is not given ({@code ""} for none)
 * @param parameterIndex the index of the method parameter it fills
 * @param javaType that parameter's (or field's) type
 * @param field the field of an {@link Options} parameter it fills, or {@code null} if it fills the parameter
 */
public record OptionSpec(List<String> names, String description, Kind kind, String type, String absentValue,
                         int parameterIndex, Class<?> javaType, java.lang.reflect.Field field) {
    public enum Kind { FLAG, VALUE, LIST }

    /** The short name without its dash ({@code a}), or {@code null}. */
    public String shortName() {
        return names.stream().filter(n -> !n.startsWith("--")).map(n -> n.substring(1)).findFirst().orElse(null);
    }

    /** The long name without its dashes ({@code all}), or {@code null}. */
    public String longName() {
        return names.stream().filter(n -> n.startsWith("--")).map(n -> n.substring(2)).findFirst().orElse(null);
    }

    /** As docker names a flag in errors: {@code -a, --all} or {@code --digests}. */
    public String display() {
        String s = shortName();
        String l = longName();
        return s == null ? "--" + l : l == null ? "-" + s : "-" + s + ", --" + l;
    }
}
