package io.berth.compose.internal;

import io.berth.api.InvalidArgumentException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Env files ({@code .env}, {@code --env-file}, a service's {@code env_file}) as compose-go's dotenv
 * reads them: {@code #} comments, {@code export} allowed, {@code KEY=value}; unquoted values end at
 * {@code " #"} and are trimmed; single quotes are literal; double quotes take {@code \n}, {@code \t},
 * {@code \\}, {@code \"} and may span lines; unquoted and double-quoted values have their
 * {@code ${VAR}} expanded from the keys above and then {@code lookup}; a bare {@code KEY} takes
 * {@code lookup}'s value, or is left out when it has none.
 */
final class EnvFiles {
    private EnvFiles() {
    }

    static Map<String, String> parse(String name, String text, Function<String, String> lookup) {
        Map<String, String> vars = new LinkedHashMap<>();
        Function<String, String> expand = k -> vars.containsKey(k) ? vars.get(k) : lookup.apply(k);
        int i = 0;
        int line = 1;
        int n = text.length();
        while (i < n) {
            int eol = text.indexOf('\n', i);
            if (eol < 0) {
                eol = n;
            }
            String raw = text.substring(i, eol).strip();
            int startLine = line;
            if (raw.isEmpty() || raw.startsWith("#")) {
                i = eol + 1;
                line++;
                continue;
            }
            if (raw.startsWith("export ")) {
                raw = raw.substring(7).strip();
            }
            int eq = raw.indexOf('=');
            if (eq < 0) {
                String key = raw;
                checkKey(name, startLine, key);
                String v = lookup.apply(key);
                if (v != null) {
                    vars.put(key, v);
                }
                i = eol + 1;
                line++;
                continue;
            }
            String key = raw.substring(0, eq).strip();
            checkKey(name, startLine, key);
            int valueStart = text.indexOf('=', i) + 1;
            while (valueStart < n && (text.charAt(valueStart) == ' ' || text.charAt(valueStart) == '\t')) {
                valueStart++;
            }
            char q = valueStart < n ? text.charAt(valueStart) : 0;
            if (q == '\'' || q == '"') {
                StringBuilder v = new StringBuilder();
                int j = valueStart + 1;
                boolean closed = false;
                for (; j < n; j++) {
                    char c = text.charAt(j);
                    if (c == '\n') {
                        line++;
                    }
                    if (c == q) {
                        closed = true;
                        break;
                    }
                    if (q == '"' && c == '\\' && j + 1 < n) {
                        char e = text.charAt(++j);
                        switch (e) {
                            case 'n' -> v.append('\n');
                            case 't' -> v.append('\t');
                            case 'r' -> v.append('\r');
                            default -> v.append(e);
                        }
                        continue;
                    }
                    v.append(c);
                }
                if (!closed) {
                    throw new InvalidArgumentException(name + ":" + startLine + ": unterminated quoted value for " + key);
                }
                vars.put(key, q == '"' ? expand(v.toString(), expand) : v.toString());
                eol = text.indexOf('\n', j);
                if (eol < 0) {
                    eol = n;
                }
            } else {
                String v = text.substring(valueStart, eol);
                int comment = v.indexOf(" #");
                if (comment >= 0) {
                    v = v.substring(0, comment);
                }
                vars.put(key, expand(v.strip(), expand));
            }
            i = eol + 1;
            line++;
        }
        return vars;
    }

    private static String expand(String value, Function<String, String> lookup) {
        try {
            return Template.substitute(value, lookup, unset -> { });
        } catch (RuntimeException e) {
            return value;
        }
    }

    private static void checkKey(String name, int line, String key) {
        if (key.isEmpty() || key.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'')) {
            throw new InvalidArgumentException("failed to read " + name + ": line " + line + ": unexpected character in variable name \""
                    + key + "\"");
        }
    }
}
