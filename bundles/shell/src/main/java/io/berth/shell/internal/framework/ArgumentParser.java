package io.berth.shell.internal.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a command line as docker's CLI (spf13/pflag) does, into the values of a
 * {@link CommandSpec}'s method parameters.
 */
public final class ArgumentParser {
    /**
     * The parsed command line.
     *
     * @param help whether {@code --help} (or {@code -h}, when the command has no {@code -h} of its
     *        own) was given
     * @param values the values of the method's parameters, the context parameter left {@code null}
     */
    public record Parsed(boolean help, Object[] values) {
    }

    private ArgumentParser() {
    }

    /**
     * Parses {@code args} for {@code spec}.
     *
     * @param displayName the command as the user typed it ({@code images}, {@code image ls}), for
     *        messages
     *
     * @throws UsageException for unknown flags, missing or malformed values and wrong argument counts
     */
    public static Parsed parse(CommandSpec spec, String displayName, List<String> args) {
        Map<OptionSpec, Object> values = new HashMap<>();
        List<String> positional = new ArrayList<>();
        boolean help = false;
        boolean optionsEnded = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (optionsEnded || arg.equals("-") || !arg.startsWith("-")) {
                positional.add(arg);
                if (!spec.interspersed()) {
                    optionsEnded = true;
                }
                continue;
            }
            if (arg.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (arg.startsWith("--")) {
                String body = arg.substring(2);
                int eq = body.indexOf('=');
                String name = eq < 0 ? body : body.substring(0, eq);
                OptionSpec option = spec.option(name, true);
                if (option == null) {
                    if (name.equals("help")) {
                        help = true;
                        continue;
                    }
                    throw UsageException.flag("unknown flag: --" + name);
                }
                String value;
                if (eq >= 0) {
                    value = body.substring(eq + 1);
                } else if (option.kind() == OptionSpec.Kind.FLAG) {
                    value = "true";
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw UsageException.flag("flag needs an argument: --" + name);
                }
                set(values, option, value);
                continue;
            }
            // One or more short flags: -a, -aq, -fvalue, -f value, -f=value.
            String shorts = arg.substring(1);
            for (int j = 0; j < shorts.length(); j++) {
                String name = shorts.substring(j, j + 1);
                OptionSpec option = spec.option(name, false);
                if (option == null) {
                    if (name.equals("h")) {
                        help = true;
                        continue;
                    }
                    throw UsageException.flag("unknown shorthand flag: '" + name + "' in " + arg);
                }
                String remainder = shorts.substring(j + 1);
                if (option.kind() == OptionSpec.Kind.FLAG) {
                    if (remainder.startsWith("=")) {
                        set(values, option, remainder.substring(1));
                        break;
                    }
                    set(values, option, "true");
                    continue;
                }
                String value;
                if (!remainder.isEmpty()) {
                    value = remainder.startsWith("=") ? remainder.substring(1) : remainder;
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw UsageException.flag("flag needs an argument: '" + name + "' in " + arg);
                }
                set(values, option, value);
                break;
            }
        }
        if (help) {
            return new Parsed(true, null);
        }
        checkCount(spec, displayName, positional.size());

        Object[] result = new Object[spec.method().getParameterCount()];
        for (OptionSpec option : spec.options()) {
            Object value = values.get(option);
            value = value != null ? value : absent(option);
            if (option.field() == null) {
                result[option.parameterIndex()] = value;
                continue;
            }
            try {
                if (result[option.parameterIndex()] == null) {
                    result[option.parameterIndex()] = spec.method().getParameterTypes()[option.parameterIndex()].getConstructor().newInstance();
                }
                option.field().set(result[option.parameterIndex()], value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot fill option " + option.display(), e);
            }
        }
        int next = 0;
        for (int index : spec.positionalIndexes()) {
            result[index] = next < positional.size() ? positional.get(next++) : null;
        }
        if (spec.restIndex() >= 0) {
            result[spec.restIndex()] = List.copyOf(positional.subList(Math.min(next, positional.size()), positional.size()));
        }
        return new Parsed(false, result);
    }

    private static void checkCount(CommandSpec spec, String displayName, int count) {
        int min = spec.minArgs();
        int max = spec.maxArgs();
        String quoted = "\"berth " + displayName + "\"";
        if (min == max && count != min) {
            throw UsageException.arguments(min == 0 ? quoted + " accepts no arguments."
                    : quoted + " requires exactly " + plural(min) + ".");
        }
        if (count < min) {
            throw UsageException.arguments(quoted + " requires at least " + plural(min) + ".");
        }
        if (max >= 0 && count > max) {
            throw UsageException.arguments(max == 0 ? quoted + " accepts no arguments."
                    : quoted + " accepts at most " + plural(max) + ".");
        }
    }

    private static String plural(int n) {
        return n + (n == 1 ? " argument" : " arguments");
    }

    @SuppressWarnings("unchecked")
    private static void set(Map<OptionSpec, Object> values, OptionSpec option, String text) {
        switch (option.kind()) {
            case FLAG -> {
                if (!text.equals("true") && !text.equals("false")) {
                    throw invalid(option, text, "not a boolean");
                }
                values.put(option, Boolean.parseBoolean(text));
            }
            case LIST -> ((List<String>) values.computeIfAbsent(option, o -> new ArrayList<String>())).add(text);
            case VALUE -> values.put(option, convert(option, text));
        }
    }

    private static Object convert(OptionSpec option, String text) {
        if (option.javaType() == String.class) {
            return text;
        }
        try {
            return option.javaType() == int.class ? (Object) Integer.parseInt(text.trim()) : (Object) Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw invalid(option, text, "not an integer");
        }
    }

    private static Object absent(OptionSpec option) {
        return switch (option.kind()) {
            // A Boolean flag not given is null, for options docker keeps as unset rather than false (--init).
            case FLAG -> option.javaType() == Boolean.class && option.absentValue().isEmpty() ? null
                    : Boolean.parseBoolean(option.absentValue());
            case LIST -> option.absentValue().isEmpty() ? List.of() : List.of(option.absentValue());
            case VALUE -> option.absentValue().isEmpty() && option.javaType() != String.class ? 0
                    : convert(option, option.absentValue());
        };
    }

    private static UsageException invalid(OptionSpec option, String text, String why) {
        return UsageException.flag("invalid argument \"" + text + "\" for \"" + option.display() + "\" flag: " + why);
    }
}
