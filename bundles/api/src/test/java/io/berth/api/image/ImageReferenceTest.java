package io.berth.api.image;

import io.berth.api.InvalidArgumentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageReferenceTest {
    @ParameterizedTest
    @CsvSource({
            "busybox, docker.io/library/busybox, busybox, busybox",
            "busybox:1.36, docker.io/library/busybox:1.36, busybox, busybox:1.36",
            "pkeugine/ubuntu:14.04, docker.io/pkeugine/ubuntu:14.04, pkeugine/ubuntu, pkeugine/ubuntu:14.04",
            "docker.io/library/ubuntu, docker.io/library/ubuntu, ubuntu, ubuntu",
            "index.docker.io/library/ubuntu:22.04, docker.io/library/ubuntu:22.04, ubuntu, ubuntu:22.04",
            "localhost:5000/app:v1, localhost:5000/app:v1, localhost:5000/app, localhost:5000/app:v1",
            "localhost/app, localhost/app, localhost/app, localhost/app",
            "registry.example.com/a/b/c, registry.example.com/a/b/c, registry.example.com/a/b/c, registry.example.com/a/b/c",
            "127.0.0.1:5000/x__y-z.w, 127.0.0.1:5000/x__y-z.w, 127.0.0.1:5000/x__y-z.w, 127.0.0.1:5000/x__y-z.w",
            "library/busybox:latest, docker.io/library/busybox:latest, busybox, busybox:latest",
            "docker.io/library/a/b, docker.io/library/a/b, library/a/b, library/a/b",
    })
    void normalizesAsDocker(String text, String full, String familiarName, String familiar) {
        ImageReference ref = ImageReference.parse(text);
        assertThat(ref.toString()).isEqualTo(full);
        assertThat(ref.familiarName()).isEqualTo(familiarName);
        assertThat(ref.familiar()).isEqualTo(familiar);
    }

    @org.junit.jupiter.api.Test
    void digestsAndDefaultTag() {
        String digest = "sha256:" + "5c01e896fa6eeaa41f3509c64af668d71d06e318cfe373dabab9d61b9eaf6441";
        ImageReference ref = ImageReference.parse("ubuntu@" + digest);
        assertThat(ref.tag()).isNull();
        assertThat(ref.digest().toString()).isEqualTo(digest);
        assertThat(ref.withDefaultTag()).isEqualTo(ref);
        assertThat(ImageReference.parse("ubuntu:14.04@" + digest).familiar()).isEqualTo("ubuntu:14.04@" + digest);
        assertThat(ImageReference.parse("ubuntu").withDefaultTag().familiar()).isEqualTo("ubuntu:latest");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Busybox", "busybox:", "busybox:-bad", "a//b", "-a", "a-", "busybox@sha256:xyz",
            "UPPER.example.com/App", "bad host!/x", ":tag",
            "5c01e896fa6eeaa41f3509c64af668d71d06e318cfe373dabab9d61b9eaf6441"})
    void rejectsWhatDockerRejects(String text) {
        assertThatThrownBy(() -> ImageReference.parse(text)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageMatching("invalid (reference format|repository name).*");
    }

    @org.junit.jupiter.api.Test
    void nameLengthIsLimited() {
        assertThatThrownBy(() -> ImageReference.parse("a".repeat(250) + "/bbbbbb"))
                .hasMessageContaining("must not be more than 255 characters");
    }
}
