package io.berth.shell.internal.output;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Go's {@code fmt.Sprintf} for the values a template has (strings, numbers, booleans, nil, and
 * lists, maps and structs printed as {@code %v}): the verbs {@code v s q d x X o b c f F e E g G t},
 * the flags {@code - + # 0} and space, width and precision ({@code *} too), and Go's
 * {@code %!verb(type=value)}, {@code %!verb(MISSING)} and {@code %!(EXTRA …)} for what does not
 * fit, so that {@code printf "%-8s|%5d|%.3s"} pads and truncates as docker's does.
 */
final class GoFormat {
    private GoFormat() {
    }

    static String sprintf(String format, List<JsonNode> args) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        int i = 0;
        int n = format.length();
        while (i < n) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean minus = false;
            boolean plus = false;
            boolean sharp = false;
            boolean zero = false;
            boolean space = false;
            for (; i < n; i++) {
                char f = format.charAt(i);
                if (f == '-') {
                    minus = true;
                } else if (f == '+') {
                    plus = true;
                } else if (f == '#') {
                    sharp = true;
                } else if (f == '0') {
                    zero = true;
                } else if (f == ' ') {
                    space = true;
                } else {
                    break;
                }
            }
            int width = -1;
            if (i < n && format.charAt(i) == '*') {
                i++;
                if (next < args.size()) {
                    width = args.get(next++).asInt();
                    if (width < 0) {
                        minus = true;
                        width = -width;
                    }
                }
            } else {
                int start = i;
                while (i < n && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                if (i > start) {
                    width = Integer.parseInt(format.substring(start, i));
                }
            }
            int precision = -1;
            if (i < n && format.charAt(i) == '.') {
                i++;
                if (i < n && format.charAt(i) == '*') {
                    i++;
                    precision = next < args.size() ? Math.max(0, args.get(next++).asInt()) : 0;
                } else {
                    int start = i;
                    while (i < n && Character.isDigit(format.charAt(i))) {
                        i++;
                    }
                    precision = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
                }
            }
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = format.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (next >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            JsonNode v = args.get(next++);
            String body = verb(verb, v, precision, plus, sharp, space);
            if (body == null) {
                out.append("%!").append(verb).append('(').append(v.isNull() || v.isMissingNode() ? "<nil>"
                        : typeName(v) + "=" + print(v)).append(')');
                continue;
            }
            out.append(pad(body, width, minus, zero && !minus && !isText(verb, v), zero && !minus));
        }
        if (next < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = next; k < args.size(); k++) {
                if (k > next) {
                    out.append(", ");
                }
                out.append(typeName(args.get(k))).append('=').append(print(args.get(k)));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static boolean isText(char verb, JsonNode v) {
        return v.isTextual() || verb == 's' || verb == 'q' || verb == 'v' || verb == 't';
    }

    /** A value under one verb, or {@code null} when the verb does not fit the value (Go's %!verb(type=value)). */
    private static String verb(char verb, JsonNode v, int precision, boolean plus, boolean sharp, boolean space) {
        switch (verb) {
            case 'v' -> {
                if (v.isIntegralNumber() || v.isFloatingPointNumber()) {
                    return number(v, 'v', precision, plus, space);
                }
                String s = plus && v.isObject() ? printWithNames(v) : print(v);
                return s;
            }
            case 's' -> {
                if (v.isTextual() || v.isContainerNode()) {
                    String s = v.isTextual() ? v.textValue() : print(v);
                    return precision >= 0 ? runes(s, precision) : s;
                }
                return null;
            }
            case 'q' -> {
                if (v.isTextual()) {
                    String s = precision >= 0 ? runes(v.textValue(), precision) : v.textValue();
                    return sharp && s.indexOf('`') < 0 ? "`" + s + "`" : quote(s);
                }
                if (v.isIntegralNumber()) {
                    return "'" + new String(Character.toChars(v.intValue())) + "'";
                }
                return null;
            }
            case 'd', 'x', 'X', 'o', 'b', 'c' -> {
                if (v.isIntegralNumber()) {
                    return integer(v.bigIntegerValue(), verb, precision, plus, sharp, space);
                }
                if (v.isTextual() && (verb == 'x' || verb == 'X')) {
                    StringBuilder h = new StringBuilder();
                    for (byte b : io.berth.api.Names.encode(v.textValue())) {
                        h.append(String.format(verb == 'x' ? "%02x" : "%02X", b & 0xff));
                    }
                    return h.toString();
                }
                return null;
            }
            case 'f', 'F', 'e', 'E', 'g', 'G' -> {
                return v.isFloatingPointNumber() ? number(v, verb, precision, plus, space) : null;
            }
            case 't' -> {
                return v.isBoolean() ? String.valueOf(v.booleanValue()) : null;
            }
            default -> {
                return null;
            }
        }
    }

    private static String integer(BigInteger value, char verb, int precision, boolean plus, boolean sharp, boolean space) {
        if (verb == 'c') {
            return new String(Character.toChars(value.intValue()));
        }
        int radix = switch (verb) {
            case 'x', 'X' -> 16;
            case 'o' -> 8;
            case 'b' -> 2;
            default -> 10;
        };
        String digits = value.abs().toString(radix);
        if (verb == 'X') {
            digits = digits.toUpperCase(Locale.ROOT);
        }
        if (precision >= 0 && digits.length() < precision) {
            digits = "0".repeat(precision - digits.length()) + digits;
        }
        String prefix = !sharp ? "" : verb == 'x' ? "0x" : verb == 'X' ? "0X" : verb == 'o' ? "0" : verb == 'b' ? "0b" : "";
        String sign = value.signum() < 0 ? "-" : plus ? "+" : space ? " " : "";
        return sign + prefix + digits;
    }

    private static String number(JsonNode v, char verb, int precision, boolean plus, boolean space) {
        String s;
        if (v.isIntegralNumber()) {
            s = v.bigIntegerValue().toString();
        } else {
            double d = v.doubleValue();
            s = switch (verb) {
                case 'f', 'F' -> String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "f", d);
                case 'e', 'E' -> goExponent(String.format(Locale.ROOT, "%." + (precision < 0 ? 6 : precision) + "e", d), verb == 'E');
                default -> precision < 0 ? print(v) : goExponent(String.format(Locale.ROOT, "%." + precision + "g", d), verb == 'G');
            };
        }
        if (!s.startsWith("-") && (plus || space)) {
            s = (plus ? "+" : " ") + s;
        }
        return s;
    }

    /** Java's {@code 1.5e+00} is Go's {@code 1.5e+00} too, but Java writes at least two exponent digits as Go does: kept. */
    private static String goExponent(String s, boolean upper) {
        return upper ? s.toUpperCase(Locale.ROOT) : s;
    }

    private static String pad(String s, int width, boolean left, boolean zeros, boolean zeroText) {
        int length = s.codePointCount(0, s.length());
        if (width < 0 || length >= width) {
            return s;
        }
        int missing = width - length;
        if (left) {
            return s + " ".repeat(missing);
        }
        if (zeros && !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+' || s.charAt(0) == ' ')) {
            return s.charAt(0) + "0".repeat(missing) + s.substring(1);
        }
        return (zeros || zeroText ? "0" : " ").repeat(missing) + s;
    }

    /** The first {@code n} characters (code points) of {@code s}, as Go's precision and docker's truncate count them. */
    static String runes(String s, int n) {
        return s.codePointCount(0, s.length()) > n ? s.substring(0, s.offsetByCodePoints(0, n)) : s;
    }

    /** Go's strconv.Quote (templates' %q, docker's COMMAND column). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        b.append(String.format("\\x%02x", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
        });
        return b.append('"').toString();
    }

    /** Go's name of a value's type, as %!verb(type=value) shows it. */
    static String typeName(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return "<nil>";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isIntegralNumber()) {
            return "int";
        }
        if (v.isNumber()) {
            return "float64";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isArray()) {
            return "[]interface {}";
        }
        return v instanceof Template.MapNode ? "map[string]interface {}" : "struct";
    }

    /** A value as Go's fmt %v prints it: maps with sorted keys, structs as their values in order. */
    static String print(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "<no value>";
        }
        if (v.isNull()) {
            return "<nil>";
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        if (v.isNumber()) {
            double d = v.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e21 ? String.valueOf((long) d) : String.valueOf(d);
        }
        if (v.isBoolean()) {
            return String.valueOf(v.booleanValue());
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(print(e)));
            return "[" + String.join(" ", parts) + "]";
        }
        if (!(v instanceof Template.MapNode)) {
            // A struct: its fields' values in their order, as Go's %v prints a struct.
            List<String> parts = new ArrayList<>();
            v.fields().forEachRemaining(e -> {
                if (!Template.isMethod(e.getKey())) {
                    parts.add(print(e.getValue()));
                }
            });
            return "{" + String.join(" ", parts) + "}";
        }
        Map<String, String> sorted = new TreeMap<>();
        v.fields().forEachRemaining(e -> sorted.put(e.getKey(), print(e.getValue())));
        StringBuilder b = new StringBuilder("map[");
        sorted.forEach((k, val) -> b.append(b.length() > 4 ? " " : "").append(k).append(':').append(val));
        return b.append(']').toString();
    }

    /** Go's %+v: a struct's fields with their names ({@code {Name:no MaximumRetryCount:0}}). */
    static String printWithNames(JsonNode v) {
        if (!v.isObject() || v instanceof Template.MapNode) {
            return print(v);
        }
        List<String> parts = new ArrayList<>();
        v.fields().forEachRemaining(e -> {
            if (!Template.isMethod(e.getKey())) {
                parts.add(e.getKey() + ":" + printWithNames(e.getValue()));
            }
        });
        return "{" + String.join(" ", parts) + "}";
    }
}
