package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Paths in a container's filesystem, resolved as inside it: links followed within its root, never out of it. */
class ContainerFilesTest {
    @TempDir
    Path tmp;

    @Test
    void pathsResolveAsInsideTheContainer() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("etc/conf.d"));
        Files.writeString(root.resolve("etc/conf.d/a"), "a");
        Files.createSymbolicLink(root.resolve("conf"), Path.of("/etc/conf.d"));
        Files.createSymbolicLink(root.resolve("relative"), Path.of("etc/../etc/conf.d/a"));
        assertThat(ContainerFiles.inside(root, "/", false)).isEqualTo(root);
        assertThat(ContainerFiles.inside(root, "/etc/conf.d/a", false)).isEqualTo(root.resolve("etc/conf.d/a"));
        // An absolute link target is the container's root, not the host's.
        assertThat(ContainerFiles.inside(root, "/conf/a", false)).isEqualTo(root.resolve("etc/conf.d/a"));
        // The last component: the link itself, or (following) what it names.
        assertThat(ContainerFiles.inside(root, "/conf", false)).isEqualTo(root.resolve("conf"));
        assertThat(ContainerFiles.inside(root, "/conf", true)).isEqualTo(root.resolve("etc/conf.d"));
        assertThat(ContainerFiles.inside(root, "/relative", true)).isEqualTo(root.resolve("relative"));
        assertThat(ContainerFiles.inside(root, "etc/../etc/conf.d", false)).isEqualTo(root.resolve("etc/conf.d"));
    }

    @Test
    void aLinkOutOfTheRootIsRefusedAndAMissingParentIsNotFound() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(tmp.resolve("secret"), "host's");
        Files.createSymbolicLink(root.resolve("out"), Path.of("../secret"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../.."));
        assertThatThrownBy(() -> ContainerFiles.inside(root, "/up/secret", false))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("outside the container's root filesystem");
        assertThatThrownBy(() -> ContainerFiles.inside(root, "/nothing/here", false)).isInstanceOf(NotFoundException.class)
                .hasMessage("Could not find the file /nothing/here in container");
    }
}
