package io.berth.api.image;

import java.util.List;

/**
 * How {@code import} makes an image of a root filesystem tar.
 *
 * @param reference the tag to give it, or {@code null} for none
 * @param message the history comment ({@code -m}), or empty
 * @param changes Dockerfile instructions applied to the config ({@code -c "CMD [\"sh\"]"})
 * @param source what the tar came from, for the history ({@code -} for stdin, a file name, a URL)
 */
public record ImportOptions(ImageReference reference, String message, List<String> changes, String source) {
    public ImportOptions {
        message = message == null ? "" : message;
        changes = changes == null ? List.of() : List.copyOf(changes);
        source = source == null ? "-" : source;
    }
}
