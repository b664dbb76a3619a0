package io.berth.image.internal;

import io.berth.api.Filters;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.content.Digest;
import io.berth.api.image.Image;
import io.berth.api.image.ImageListOptions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Docker's {@code images} filters as its daemon applies them, on images made up here. */
class ImageFiltersTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Digest id(char c) {
        return Digest.parse("sha256:" + String.valueOf(c).repeat(64));
    }

    private static Image image(char c, int minute, List<String> tags, List<String> digests, Digest parent,
                               Map<String, String> labels) {
        return Image.builder().id(id(c)).repoTags(tags).repoDigests(digests).parent(parent).created(T0.plusSeconds(60L * minute))
                .labels(labels).build();
    }

    /** Newest first: app (on base, committed), base (untagged, app's parent), busybox (two tags), lone (untagged). */
    private final List<Image> all = List.of(
            image('a', 4, List.of("app:1.0"), List.of(), id('b'), Map.of("tier", "front")),
            image('b', 3, List.of(), List.of(), null, Map.of()),
            image('c', 2, List.of("busybox:latest", "busybox:1.36"), List.of("busybox@sha256:" + "9".repeat(64)), null,
                    Map.of("org.berth.fixture", "busybox")),
            image('d', 1, List.of(), List.of(), null, Map.of()));

    private List<String> list(boolean all, String... filters) {
        return ImageFilters.apply(this.all, ImageListOptions.builder().all(all).filters(Filters.parse(List.of(filters))).build(),
                name -> this.all.stream().filter(i -> i.repoTags().contains(name) || i.id().hex().startsWith(name))
                        .findFirst().orElseThrow(() -> new NotFoundException("No such image: " + name)).created())
                .stream().map(i -> i.id().hex().charAt(0) + (i.repoTags().isEmpty() ? "" : i.repoTags().toString())).toList();
    }

    @Test
    void untaggedImagesWithChildrenShowOnlyWithAll() {
        assertThat(list(false)).containsExactly("a[app:1.0]", "c[busybox:latest, busybox:1.36]", "d");
        assertThat(list(true)).containsExactly("a[app:1.0]", "b", "c[busybox:latest, busybox:1.36]", "d");
    }

    @Test
    void danglingLabelBeforeAndSince() {
        assertThat(list(false, "dangling=true")).containsExactly("d");
        assertThat(list(true, "dangling=true")).containsExactly("b", "d");
        assertThat(list(false, "dangling=false")).containsExactly("a[app:1.0]", "c[busybox:latest, busybox:1.36]");
        assertThat(list(false, "label=tier")).containsExactly("a[app:1.0]");
        assertThat(list(false, "label=org.berth.fixture=busybox")).containsExactly("c[busybox:latest, busybox:1.36]");
        assertThat(list(true, "before=app:1.0")).containsExactly("b", "c[busybox:latest, busybox:1.36]", "d");
        assertThat(list(true, "since=busybox:latest")).containsExactly("a[app:1.0]", "b");
        assertThatThrownBy(() -> list(true, "since=nope")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aReferenceFilterListsAnImageWithTheNamesThatMatch() {
        // The name alone matches every tag; a tag or a glob only those it matches.
        assertThat(list(false, "reference=busybox")).containsExactly("c[busybox:latest, busybox:1.36]");
        assertThat(list(false, "reference=busybox:1.*")).containsExactly("c[busybox:1.36]");
        assertThat(list(false, "reference=*box")).containsExactly("c[busybox:latest, busybox:1.36]");
        assertThat(list(false, "reference=app:*", "reference=busybox:latest")).containsExactly("a[app:1.0]",
                "c[busybox:latest]");
        // Untagged images never match a reference.
        assertThat(list(true, "reference=*")).containsExactly("a[app:1.0]", "c[busybox:latest, busybox:1.36]");
        assertThat(ImageFilters.referenceMatches("busybox", "busybox@sha256:" + "9".repeat(64))).isTrue();
        assertThat(ImageFilters.referenceMatches("localhost:5000/*", "localhost:5000/app:1")).isTrue();
        assertThat(ImageFilters.referenceMatches("app", "localhost:5000/app:1")).isFalse();
    }

    @Test
    void unknownKeysAndBadValuesAreRefused() {
        assertThatThrownBy(() -> list(false, "colour=red")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("invalid filter 'colour'");
        assertThatThrownBy(() -> list(false, "dangling=maybe")).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("invalid filter 'dangling=maybe': expected true or false");
    }
}
