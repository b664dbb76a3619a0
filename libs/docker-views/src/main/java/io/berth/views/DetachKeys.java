package io.berth.views;

import io.berth.api.InvalidArgumentException;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** docker's detach keys ({@code --detach-keys}, the API's {@code detachKeys}): {@code ctrl-p,ctrl-q}, {@code a}, {@code ctrl-@}. */
public final class DetachKeys {
    /** docker's default sequence. */
    public static final String DEFAULT = "ctrl-p,ctrl-q";

    private DetachKeys() {
    }

    /** The bytes of a sequence; none for an empty one. */
    public static byte[] parse(String spec) {
        if (spec == null || spec.isEmpty()) {
            return new byte[0];
        }
        ByteArrayOutputStream keys = new ByteArrayOutputStream();
        for (String key : spec.split(",")) {
            String k = key.strip();
            if (k.length() == 1) {
                keys.write(k.charAt(0));
                continue;
            }
            String lower = k.toLowerCase(Locale.ROOT);
            if (lower.startsWith("ctrl-") && k.length() == 6) {
                char c = lower.charAt(5);
                if (c >= 'a' && c <= 'z') {
                    keys.write(c - 'a' + 1);
                    continue;
                }
                int i = "@[\\]^_".indexOf(c);
                if (i >= 0) {
                    keys.write(i == 0 ? 0 : 26 + i);
                    continue;
                }
            }
            throw new InvalidArgumentException("Invalid detach keys (" + spec + ") provided: unknown key '" + k + "'");
        }
        return keys.toByteArray();
    }
}
