package io.berth.compose.internal;

import io.berth.api.InvalidArgumentException;

import java.util.Locale;
import java.util.regex.Pattern;

/** Project names as compose v2 (compose-go {@code types.NormalizeProjectName}, {@code loader.CheckOriginalProjectNameIsNormalized}). */
final class ProjectNames {
    private static final Pattern VALID = Pattern.compile("^[a-z0-9][a-z0-9_-]*$");

    private ProjectNames() {
    }

    /** The name made valid: lower case, only {@code [a-z0-9_-]} kept, leading {@code _} and {@code -} trimmed. */
    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder();
        for (char c : lower.toCharArray()) {
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
                b.append(c);
            }
        }
        int start = 0;
        while (start < b.length() && (b.charAt(start) == '_' || b.charAt(start) == '-')) {
            start++;
        }
        return b.substring(start);
    }

    /** An explicit name ({@code -p}, {@code COMPOSE_PROJECT_NAME}, {@code name:}) must already be valid; v2's error otherwise. */
    static String checkExplicit(String name) {
        if (name.isEmpty()) {
            throw new InvalidArgumentException("project name must not be empty");
        }
        if (!VALID.matcher(name).matches()) {
            throw new InvalidArgumentException("invalid project name \"" + name + "\": must consist only of lowercase "
                    + "alphanumeric characters, hyphens, and underscores as well as start with a letter or number");
        }
        return name;
    }
}
