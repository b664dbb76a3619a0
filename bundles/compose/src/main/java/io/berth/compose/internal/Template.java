package io.berth.compose.internal;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's variable substitution, as compose-go's {@code template} package does it (the compose
 * spec's 12-interpolation.md): {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}},
 * {@code ${VAR-default}}, {@code ${VAR:?err}}, {@code ${VAR?err}}, {@code ${VAR:+alt}},
 * {@code ${VAR+alt}}, {@code $$} for a literal {@code $}, defaults nested to any depth.
 */
final class Template {
    /** compose-go's pattern, group for group; Java's and Go's regexps agree on it (leftmost first, greedy). */
    private static final Pattern PATTERN = Pattern.compile("\\$(?i:(?<escaped>\\$)|(?<named>[_a-z][_a-z0-9]*)"
            + "|\\{(?:(?<braced>[_a-z][_a-z0-9]*(?::?[-+?](.*))?)}|(?<invalid>)))");
    private static final String[] SEPARATORS = {":?", "?", ":-", "-", ":+", "+"};

    /** A template without the {@code ${...}} syntax compose requires; {@code template} is the whole value. */
    static final class InvalidTemplateException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String template;

        InvalidTemplateException(String template) {
            super("Invalid template: \"" + template + "\"");
            this.template = template;
        }
    }

    /** A {@code ${VAR:?message}} or {@code ${VAR?message}} whose variable is missing. */
    static final class MissingRequiredException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MissingRequiredException(String variable, String reason) {
            super(reason.isEmpty() ? "required variable " + variable + " is missing a value"
                    : "required variable " + variable + " is missing a value: " + reason);
        }
    }

    private Template() {
    }

    /**
     * Substitutes the variables of {@code template}.
     *
     * @param lookup a variable's value, {@code null} when it is unset
     * @param unset  told the name of each variable used unset without a default (compose's warning)
     */
    static String substitute(String template, Function<String, String> lookup, java.util.function.Consumer<String> unset) {
        try {
            return substituteRaw(template, lookup, unset);
        } catch (InvalidTemplateException e) {
            throw e.template.isEmpty() ? new InvalidTemplateException(template) : e;
        }
    }

    private static String substituteRaw(String template, Function<String, String> lookup,
                                        java.util.function.Consumer<String> unset) {
        Matcher m = PATTERN.matcher(template);
        StringBuilder out = new StringBuilder();
        int last = 0;
        RuntimeException first = null;
        while (m.find()) {
            out.append(template, last, m.start());
            last = m.end();
            try {
                out.append(replacement(m.group(), lookup, unset));
            } catch (InvalidTemplateException | MissingRequiredException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        out.append(template.substring(last));
        if (first != null) {
            throw first;
        }
        return out.toString();
    }

    private static String replacement(String whole, Function<String, String> lookup,
                                      java.util.function.Consumer<String> unset) {
        String substring = whole;
        int close = firstClosingBrace(substring);
        String rest = "";
        if (close > -1) {
            rest = substring.substring(close + 1);
            substring = substring.substring(0, close + 1);
        }
        Matcher m = PATTERN.matcher(substring);
        if (!m.lookingAt()) {
            throw new InvalidTemplateException("");
        }
        if (m.group("escaped") != null) {
            return "$";
        }
        boolean braced = false;
        String substitution = m.group("named");
        if (substitution == null) {
            substitution = m.group("braced");
            braced = true;
        }
        if (substitution == null || substitution.isEmpty()) {
            throw new InvalidTemplateException("");
        }
        if (braced) {
            String sep = separatorOf(whole);
            if (sep != null && substitution.contains(sep)) {
                String value = apply(substitution, sep, lookup, unset);
                return value + substituteRaw(rest, lookup, unset);
            }
        }
        String value = lookup.apply(substitution);
        if (value == null) {
            unset.accept(substitution);
            return "";
        }
        return value;
    }

    /** compose-go's choice: the separator that occurs first in the matched text. */
    private static String separatorOf(String text) {
        String best = null;
        int bestIndex = Integer.MAX_VALUE;
        for (String sep : SEPARATORS) {
            int i = text.indexOf(sep);
            if (i >= 0 && i < bestIndex) {
                best = sep;
                bestIndex = i;
            }
        }
        return best;
    }

    private static String apply(String substitution, String sep, Function<String, String> lookup,
                                java.util.function.Consumer<String> unset) {
        int at = substitution.indexOf(sep);
        String name = substitution.substring(0, at);
        String arg = substitution.substring(at + sep.length());
        String value = lookup.apply(name);
        boolean set = value != null;
        boolean nonEmpty = set && !value.isEmpty();
        switch (sep) {
            case ":-":
                return nonEmpty ? value : substituteRaw(arg, lookup, unset);
            case "-":
                return set ? value : substituteRaw(arg, lookup, unset);
            case ":+":
                return nonEmpty ? substituteRaw(arg, lookup, unset) : (set ? value : "");
            case "+":
                return set ? substituteRaw(arg, lookup, unset) : "";
            case ":?":
                if (!nonEmpty) {
                    throw new MissingRequiredException(name, substituteRaw(arg, lookup, unset));
                }
                return value;
            default:
                if (!set) {
                    throw new MissingRequiredException(name, substituteRaw(arg, lookup, unset));
                }
                return value;
        }
    }

    private static int firstClosingBrace(String s) {
        int open = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '}') {
                open--;
                if (open == 0) {
                    return i;
                }
            }
            if (s.charAt(i) == '{') {
                open++;
                i++;
            }
        }
        return -1;
    }
}
