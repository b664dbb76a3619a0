package io.berth.shell.internal.framework;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A command as read from its annotated method: names, help, options and positional parameters.
 *
 * @param name the command's name
 * @param aliases further names, possibly of two words ({@code image ls})
 * @param description one line
 * @param usage what follows the name in the usage line
 * @param options the options, in the order of the help
 * @param positionalIndexes the parameter indexes that take positional arguments, in order
 * @param restIndex the index of the {@code List<String>} parameter taking the remaining arguments,
 *        or {@code -1}
 * @param contextIndex the index of the {@link CommandContext} parameter, or {@code -1}
 * @param minArgs the least positional arguments
 * @param maxArgs the most, or {@code -1}
 * @param interspersed whether options may follow positional arguments
 * @param method the method to call
 */
public record CommandSpec(String name, List<String> aliases, String description, String usage,
                          List<OptionSpec> options, List<Integer> positionalIndexes, int restIndex, int contextIndex,
                          int minArgs, int maxArgs, boolean interspersed, Method method) {

    /**
     * Reads a {@link Command} method.
     *
     * @throws IllegalArgumentException if the method is not a well-formed command; this is a
     *         programming error caught by the unit tests
     */
    public static CommandSpec of(Method method) {
        Command command = method.getAnnotation(Command.class);
        if (command == null) {
            throw new IllegalArgumentException(method + " has no @Command");
        }
        Descriptor descriptor = method.getAnnotation(Descriptor.class);
        if (descriptor == null) {
            throw new IllegalArgumentException(method + " has no @Descriptor");
        }
        List<OptionSpec> options = new ArrayList<>();
        List<Integer> positional = new ArrayList<>();
        int rest = -1;
        int context = -1;
        Class<?>[] types = method.getParameterTypes();
        Type[] generic = method.getGenericParameterTypes();
        java.lang.annotation.Annotation[][] annotations = method.getParameterAnnotations();
        for (int i = 0; i < types.length; i++) {
            Parameter parameter = find(annotations[i], Parameter.class);
            Descriptor description = find(annotations[i], Descriptor.class);
            if (types[i] == CommandContext.class) {
                context = i;
                continue;
            }
            if (types[i].isAnnotationPresent(Options.class)) {
                for (java.lang.reflect.Field f : types[i].getFields()) {
                    Option o = f.getAnnotation(Option.class);
                    if (o != null) {
                        options.add(option(method, o.names(), o.description(), o.absentValue(), i, f.getType(),
                                f.getGenericType(), f));
                    }
                }
                continue;
            }
            if (description == null) {
                throw new IllegalArgumentException(method + ": parameter " + i + " has no @Descriptor");
            }
            boolean list = types[i] == List.class && isListOfString(generic[i]);
            if (parameter != null) {
                options.add(option(method, parameter.names(), description.value(), parameter.absentValue(), i, types[i],
                        generic[i], null));
            } else if (list) {
                if (rest >= 0) {
                    throw new IllegalArgumentException(method + ": two parameters take the remaining arguments");
                }
                rest = i;
            } else if (types[i] == String.class) {
                if (rest >= 0) {
                    throw new IllegalArgumentException(method + ": a positional parameter follows the remaining ones");
                }
                positional.add(i);
            } else {
                throw new IllegalArgumentException(method + ": positional parameter " + i + " must be String or List<String>");
            }
        }
        if (method.getReturnType() != void.class && method.getReturnType() != int.class) {
            throw new IllegalArgumentException(method + " must return void or an int exit status");
        }
        options.sort(Comparator.comparing(o -> o.longName() != null ? o.longName() : o.shortName()));
        return new CommandSpec(command.name(), List.of(command.aliases()), descriptor.value(), command.usage(),
                List.copyOf(options), List.copyOf(positional), rest, context, command.minArgs(), command.maxArgs(),
                command.interspersed(), method);
    }

    private static OptionSpec option(Method method, String[] optionNames, String description, String absentValue, int index,
                                     Class<?> type, Type generic, java.lang.reflect.Field field) {
        boolean list = type == List.class && isListOfString(generic);
        OptionSpec.Kind kind = type == boolean.class || type == Boolean.class ? OptionSpec.Kind.FLAG
                : list ? OptionSpec.Kind.LIST : OptionSpec.Kind.VALUE;
        if (kind == OptionSpec.Kind.VALUE && type != String.class && type != int.class && type != long.class) {
            throw new IllegalArgumentException(method + ": option type " + type + " is not supported");
        }
        List<String> names = new ArrayList<>(Arrays.asList(optionNames));
        names.sort(Comparator.comparing((String n) -> n.startsWith("--")));
        for (String n : names) {
            if (!n.matches("-[a-zA-Z0-9]|--[a-z0-9][a-zA-Z0-9-]*")) {
                throw new IllegalArgumentException(method + ": bad option name " + n);
            }
        }
        String word = switch (kind) {
            case FLAG -> "";
            case LIST -> "list";
            case VALUE -> type == String.class ? "string" : "int";
        };
        return new OptionSpec(List.copyOf(names), description, kind, word, absentValue, index, type, field);
    }

    /**
     * Finds an option by its name without dashes, short or long; any of its names, so that docker's
     * second spellings ({@code --net} beside {@code --network}) work too.
     */
    public OptionSpec option(String nameWithoutDashes, boolean isLong) {
        String wanted = (isLong ? "--" : "-") + nameWithoutDashes;
        for (OptionSpec o : options) {
            if (o.names().contains(wanted)) {
                return o;
            }
        }
        return null;
    }

    private static <A extends java.lang.annotation.Annotation> A find(java.lang.annotation.Annotation[] all, Class<A> type) {
        for (java.lang.annotation.Annotation a : all) {
            if (type.isInstance(a)) {
                return type.cast(a);
            }
        }
        return null;
    }

    private static boolean isListOfString(Type type) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length == 1
                && p.getActualTypeArguments()[0] == String.class;
    }
}
