package io.berth.containers.internal;

import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.container.PathStat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Paths in a container's filesystem, resolved as docker resolves them: links followed within its
 * root, never out of it; the last one followed for {@code cp -L}.
 */
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
        // The root is named ROOT/. : a running container's root is a link (/proc/PID/root) to be followed.
        assertThat(ContainerFiles.inside(root, "/", false)).isEqualTo(root.resolve("."));
        assertThat(ContainerFiles.inside(root, "/etc/conf.d/a", false)).isEqualTo(root.resolve("etc/conf.d/a"));
        // An absolute link target is the container's root, not the host's.
        assertThat(ContainerFiles.inside(root, "/conf/a", false)).isEqualTo(root.resolve("etc/conf.d/a"));
        // The last component: the link itself, or (following) what it names, a file as well as a directory.
        assertThat(ContainerFiles.inside(root, "/conf", false)).isEqualTo(root.resolve("conf"));
        assertThat(ContainerFiles.inside(root, "/conf", true)).isEqualTo(root.resolve("etc/conf.d"));
        assertThat(ContainerFiles.inside(root, "/relative", false)).isEqualTo(root.resolve("relative"));
        assertThat(ContainerFiles.inside(root, "/relative", true)).isEqualTo(root.resolve("etc/conf.d/a"));
        assertThat(ContainerFiles.inside(root, "etc/../etc/conf.d", false)).isEqualTo(root.resolve("etc/conf.d"));
        // A trailing slash follows the last link, as the kernel and docker do.
        assertThat(ContainerFiles.inside(root, "/conf/", false)).isEqualTo(root.resolve("etc/conf.d"));
    }

    @Test
    void followingALinkFindsWhatItLeadsToThroughChainsOfAbsoluteAndRelativeLinks() throws IOException {
        Path root = busyboxLike();
        Files.createDirectories(root.resolve("usr/bin"));
        // python3 -> python3.11 -> /usr/lib/python/bin (relative, absolute, and ..).
        Files.createDirectories(root.resolve("usr/lib/python"));
        Files.writeString(root.resolve("usr/lib/python/bin"), "python");
        Files.createSymbolicLink(root.resolve("usr/bin/python3"), Path.of("python3.11"));
        Files.createSymbolicLink(root.resolve("usr/bin/python3.11"), Path.of("../lib/python/bin"));
        Files.createSymbolicLink(root.resolve("py"), Path.of("/usr/bin/python3"));

        assertThat(ContainerFiles.inside(root, "/usr/bin/python3", true)).isEqualTo(root.resolve("usr/lib/python/bin"));
        assertThat(ContainerFiles.inside(root, "/py", true)).isEqualTo(root.resolve("usr/lib/python/bin"));
        assertThat(ContainerFiles.inside(root, "/bin/sh", true)).isEqualTo(root.resolve("bin/busybox"));

        // stat says where a link leads, as a path of the container: what cp -L copies.
        PathStat sh = ContainerFiles.stat(root, "/bin/sh", false, "c");
        assertThat(sh.name()).isEqualTo("sh");
        assertThat(sh.linkTarget()).isEqualTo("/bin/busybox");
        assertThat(sh.directory()).isFalse();
        assertThat(ContainerFiles.stat(root, "/usr/bin/python3", false, "c").linkTarget()).isEqualTo("/usr/lib/python/bin");
        assertThat(ContainerFiles.stat(root, "/py", false, "c").linkTarget()).isEqualTo("/usr/lib/python/bin");
        PathStat followed = ContainerFiles.stat(root, "/bin/sh", true, "c");
        assertThat(followed.name()).isEqualTo("busybox");
        assertThat(followed.linkTarget()).isEmpty();
        assertThat(followed.size()).isEqualTo("busybox binary".length());
        // Not a link: no target.
        assertThat(ContainerFiles.stat(root, "/bin/busybox", false, "c").linkTarget()).isEmpty();
    }

    @Test
    void linksClimbingAboveTheRootStopAtItAndNeverReachTheHost() throws IOException {
        Path root = busyboxLike();
        Files.writeString(tmp.resolve("secret"), "host's");
        Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(tmp.resolve("etc/hostname"), "the host");
        Files.createDirectories(root.resolve("tmp"));
        Files.createSymbolicLink(root.resolve("tmp/out"), Path.of("../../../../../../etc/hostname"));
        Files.createSymbolicLink(root.resolve("secret-link"), Path.of("../secret"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../.."));

        // As inside the container: /.. is /, so the link names the container's /etc/hostname.
        assertThat(ContainerFiles.inside(root, "/tmp/out", true)).isEqualTo(root.resolve("etc/hostname"));
        assertThat(ContainerFiles.stat(root, "/tmp/out", false, "c").linkTarget()).isEqualTo("/etc/hostname");
        assertThat(ContainerFiles.inside(root, "/up/etc/hostname", false)).isEqualTo(root.resolve("etc/hostname"));
        assertThat(ContainerFiles.inside(root, "/up", true)).isEqualTo(root.resolve("."));
        // The host's file beside the root is never reached: the container has no /secret.
        assertThat(ContainerFiles.inside(root, "/secret-link", true)).isEqualTo(root.resolve("secret"));
        assertThatThrownBy(() -> ContainerFiles.stat(root, "/secret-link", true, "c")).isInstanceOf(NotFoundException.class)
                .hasMessage("Could not find the file /secret-link in container c");
        assertThatThrownBy(() -> ContainerFiles.stat(root, "/up/secret", false, "c")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ContainerFiles.stat(root, "/../../secret", false, "c")).isInstanceOf(NotFoundException.class);
        // An absolute host path as a link's target is a path of the container.
        Files.createSymbolicLink(root.resolve("abs"), tmp.resolve("secret"));
        assertThat(ContainerFiles.inside(root, "/abs", true)).isEqualTo(root.resolve(tmp.resolve("secret").toString().substring(1)));
        assertThatThrownBy(() -> ContainerFiles.stat(root, "/abs", true, "c")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aDanglingLinkHasATargetThatIsNotFoundAndLoopsAreRefused() throws IOException {
        Path root = busyboxLike();
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("/nothing/here"));
        Files.createSymbolicLink(root.resolve("loop-a"), Path.of("loop-b"));
        Files.createSymbolicLink(root.resolve("loop-b"), Path.of("loop-a"));
        assertThat(ContainerFiles.stat(root, "/dangling", false, "c").linkTarget()).isEqualTo("/nothing/here");
        assertThatThrownBy(() -> ContainerFiles.stat(root, "/dangling", true, "c")).isInstanceOf(NotFoundException.class)
                .hasMessage("Could not find the file /dangling in container c");
        assertThatThrownBy(() -> ContainerFiles.stat(root, "/nothing/here", false, "c")).isInstanceOf(NotFoundException.class)
                .hasMessage("Could not find the file /nothing/here in container c");
        // Under a file there is nothing.
        assertThatThrownBy(() -> ContainerFiles.stat(root, "/bin/busybox/x", false, "c")).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ContainerFiles.inside(root, "/loop-a", true)).isInstanceOf(InvalidArgumentException.class)
                .hasMessage("too many levels of symbolic links at /loop-a");
        // Not following, the loop is just a link.
        assertThat(ContainerFiles.inside(root, "/loop-a", false)).isEqualTo(root.resolve("loop-a"));
    }

    /** A root with busybox's layout: /bin/busybox and /bin/sh -> busybox, /etc/hostname. */
    private Path busyboxLike() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("bin/busybox"), "busybox binary");
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Files.writeString(root.resolve("etc/hostname"), "the container");
        return root;
    }
}
