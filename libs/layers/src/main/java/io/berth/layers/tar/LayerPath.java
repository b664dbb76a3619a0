package io.berth.layers.tar;

import io.berth.api.InvalidArgumentException;

import java.util.ArrayList;
import java.util.List;

/** Entry names of layer tars, checked and split into components. */
public final class LayerPath {
    private LayerPath() {
    }

    /**
     * Splits an entry name into its components: {@code ./usr/bin/} is {@code [usr, bin]}, {@code ./}
     * is {@code []}.
     *
     * @throws InvalidArgumentException for absolute names, {@code ..} components and NUL bytes: a
     *         layer must not name anything outside itself
     */
    public static List<String> components(String entryName) {
        return components(entryName, "layer entry '" + entryName + "'");
    }

    /**
     * As {@link #components(String)}, for a name that belongs to an entry, such as a hard link's
     * target; {@code subject} opens the messages ({@code layer entry 'x': hard link target 'y'}).
     */
    public static List<String> components(String entryName, String subject) {
        if (entryName.startsWith("/")) {
            throw new InvalidArgumentException(subject + " is an absolute path");
        }
        if (entryName.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(subject.replace('\0', '?') + " contains a NUL byte");
        }
        List<String> parts = new ArrayList<>();
        for (String part : entryName.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new InvalidArgumentException(subject + " climbs out of the layer with '..'");
            }
            parts.add(part);
        }
        return parts;
    }

    /** The components joined with {@code /}. */
    public static String join(List<String> components) {
        return String.join("/", components);
    }
}
