package io.berth.compose.internal;

import io.berth.api.InvalidArgumentException;

/** An invalid compose file: the message is {@code FILE:LINE:COLUMN: PATH: MESSAGE} when the place is known. */
final class ComposeFileException extends InvalidArgumentException {
    private static final long serialVersionUID = 1L;

    ComposeFileException(String message) {
        super(message);
    }

    /** An error at a place: {@code location} or {@code path} may be {@code null} or empty. */
    static ComposeFileException at(Location location, String path, String message) {
        StringBuilder b = new StringBuilder();
        if (location != null) {
            b.append(location).append(": ");
        }
        if (path != null && !path.isEmpty()) {
            b.append(path).append(": ");
        }
        return new ComposeFileException(b.append(message).toString());
    }
}
