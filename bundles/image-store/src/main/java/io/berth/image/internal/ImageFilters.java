package io.berth.image.internal;

import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.image.Image;
import io.berth.api.image.ImageListOptions;
import io.berth.api.image.ImageReference;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Docker's {@code images} filters, as its daemon applies them ({@code daemon/images/images.go}):
 * {@code dangling}, {@code label}, {@code before}, {@code since} and {@code reference}, and the
 * untagged images with children that only {@code all} shows. With a {@code reference} filter an
 * image is listed with only its tags and digests that match, and not at all if none does.
 */
final class ImageFilters {
    /** The keys {@code images} takes. */
    static final Set<String> KEYS = Set.of("dangling", "label", "before", "since", "reference");

    private ImageFilters() {
    }

    /**
     * The images, in the order given, that the options ask for.
     *
     * @param all every image in the store
     * @param created the creation time of an image named by {@code before} or {@code since}
     *        (throws {@link io.berth.api.NotFoundException} if there is none)
     * @throws InvalidArgumentException for an unknown key or a bad value
     */
    static List<Image> apply(List<Image> all, ImageListOptions options, Function<String, Instant> created) {
        Filters f = options.filters().requireKnown(KEYS);
        Boolean dangling = f.has("dangling") ? f.bool("dangling") : null;
        Instant before = f.has("before") ? created.apply(f.get("before").get(0)) : null;
        Instant since = f.has("since") ? created.apply(f.get("since").get(0)) : null;
        List<String> references = f.get("reference");
        Set<String> parents = new HashSet<>();
        for (Image i : all) {
            if (i.parent() != null) {
                parents.add(i.parent().toString());
            }
        }
        List<Image> out = new ArrayList<>();
        for (Image image : all) {
            Instant at = image.created() == null ? Instant.EPOCH : image.created();
            if (before != null && !at.isBefore(before) || since != null && !at.isAfter(since)) {
                continue;
            }
            if (!f.labelsMatch(image.labels())) {
                continue;
            }
            List<String> tags = image.repoTags();
            List<String> digests = image.repoDigests();
            if (!references.isEmpty()) {
                tags = tags.stream().filter(t -> matchesAny(references, t)).toList();
                digests = digests.stream().filter(d -> matchesAny(references, d)).toList();
            }
            if (tags.isEmpty() && digests.isEmpty()) {
                // Untagged: shown as <none> unless it has children (a commit's base), then only with all.
                boolean hidden = !options.all() && parents.contains(image.id().toString());
                if (hidden || Boolean.FALSE.equals(dangling) || !references.isEmpty()) {
                    continue;
                }
            } else if (Boolean.TRUE.equals(dangling) && !image.repoTags().isEmpty()) {
                continue;
            }
            out.add(references.isEmpty() ? image : image.toBuilder().repoTags(tags).repoDigests(digests).build());
        }
        return out;
    }

    private static boolean matchesAny(List<String> patterns, String familiar) {
        for (String p : patterns) {
            if (referenceMatches(p, familiar)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Docker's {@code reference.FamiliarMatch}: the pattern against the familiar reference
     * ({@code busybox:1.36}, {@code registry:5000/app@sha256:...}), else against the familiar
     * name alone ({@code busybox}).
     */
    static boolean referenceMatches(String pattern, String familiar) {
        return globMatches(pattern, familiar) || globMatches(pattern, ImageReference.parse(familiar).familiarName());
    }

    /** Go's {@code path.Match}: {@code *} and {@code ?} within a path element, {@code [...]} classes. */
    static boolean globMatches(String pattern, String text) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> regex.append("[^/]*");
                case '?' -> regex.append("[^/]");
                case '[' -> {
                    int end = pattern.indexOf(']', i + 1);
                    if (end < 0) {
                        regex.append("\\[");
                    } else {
                        String cls = pattern.substring(i + 1, end);
                        regex.append('[').append(cls.startsWith("^") ? "^" + cls.substring(1) : cls).append(']');
                        i = end;
                    }
                }
                case '\\' -> {
                    if (i + 1 < pattern.length()) {
                        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                    }
                }
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.matches(regex.toString(), text);
    }
}
