package io.berth.dns;

/** A message that does not follow the wire format; the server answers FORMERR, or drops it. */
final class MalformedMessageException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(String message) {
        super(message);
    }
}
