package io.berth.network.cni.internal;

import java.io.IOException;

/**
 * A CNI plugin failed: it exited non-zero (with the specification's error object, whose {@code code}
 * and {@code msg} this keeps, or with only its output), timed out, or printed no result. The message
 * is one line: {@code plugin TYPE failed: MESSAGE (code N)}.
 */
final class CniPluginException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String type;
    private final Integer code;
    private final String detail;

    /**
     * @param type the plugin's type
     * @param code the error code it reported, or {@code null} when it reported none
     * @param detail what went wrong
     */
    CniPluginException(String type, Integer code, String detail) {
        super("plugin " + type + " failed: " + CniConfigList.oneLine(detail) + (code == null ? "" : " (code " + code + ")"));
        this.type = type;
        this.code = code;
        this.detail = CniConfigList.oneLine(detail);
    }

    /** The plugin's type. */
    String type() {
        return type;
    }

    /** Its error code, or {@code null}. */
    Integer code() {
        return code;
    }

    /** What went wrong, with the code when there is one. */
    String detail() {
        return detail + (code == null ? "" : " (code " + code + ")");
    }
}
