package io.berth.api.image;

import java.time.Instant;

/**
 * One entry of an image's history: how a layer (or an empty step) was made.
 *
 * @param created when, or {@code null}
 * @param createdBy the command that made it
 * @param author who
 * @param comment a comment, such as a commit message
 * @param emptyLayer whether the step made no layer
 */
public record History(Instant created, String createdBy, String author, String comment, boolean emptyLayer) {
    public History {
        createdBy = createdBy == null ? "" : createdBy;
        author = author == null ? "" : author;
        comment = comment == null ? "" : comment;
    }
}
