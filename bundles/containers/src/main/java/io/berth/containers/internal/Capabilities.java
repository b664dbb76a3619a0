package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.runtime.ContainerDefaults;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code --cap-add} and {@code --cap-drop} applied to docker's default set, as docker applies them. */
final class Capabilities {
    private Capabilities() {
    }

    /**
     * The capabilities a container's process keeps.
     *
     * @throws InvalidArgumentException {@code invalid CapAdd: unknown capability: "CAP_X"}
     */
    static Set<String> of(List<String> add, List<String> drop) {
        List<String> adds = normalize(add, "CapAdd");
        List<String> drops = normalize(drop, "CapDrop");
        Set<String> caps = new LinkedHashSet<>();
        if (adds.contains("ALL")) {
            // Everything but what is dropped.
            caps.addAll(ContainerDefaults.ALL_CAPABILITIES);
            caps.removeAll(drops);
        } else if (drops.contains("ALL")) {
            // Nothing but what is added.
            caps.addAll(adds);
        } else {
            caps.addAll(ContainerDefaults.CAPABILITIES);
            caps.removeAll(drops);
            caps.addAll(adds);
        }
        return caps;
    }

    /** Checks names as the user wrote them; returns them as {@code CAP_X} (or {@code ALL}). */
    static List<String> normalize(List<String> names, String field) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String c = n.strip().toUpperCase(Locale.ROOT);
            if (c.equals("ALL")) {
                out.add(c);
                continue;
            }
            if (!c.startsWith("CAP_")) {
                c = "CAP_" + c;
            }
            if (!ContainerDefaults.ALL_CAPABILITIES.contains(c)) {
                throw new InvalidArgumentException("invalid " + field + ": unknown capability: \"" + c + "\"");
            }
            out.add(c);
        }
        return out;
    }
}
