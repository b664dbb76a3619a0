package io.berth.api.storage;

import java.util.Objects;

/**
 * One change of a snapshot relative to its parent, as {@code diff} lists it.
 *
 * @param kind added, changed or deleted
 * @param path the absolute path inside the container
 */
public record Change(Kind kind, String path) {
    /** docker's A, C and D. */
    public enum Kind {
        ADDED("A"), CHANGED("C"), DELETED("D");

        private final String letter;

        Kind(String letter) {
            this.letter = letter;
        }

        public String letter() {
            return letter;
        }
    }

    public Change {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
    }

    @Override
    public String toString() {
        return kind.letter() + " " + path;
    }
}
