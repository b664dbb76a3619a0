package io.berth.layers.tar;

import java.io.IOException;

/** The bytes are not a well-formed tar archive; the message says where and why. */
public class TarFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public TarFormatException(String message) {
        super(message);
    }
}
