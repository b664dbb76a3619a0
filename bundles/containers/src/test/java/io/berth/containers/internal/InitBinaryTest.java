package io.berth.containers.internal;

import io.berth.api.engine.EngineSettings;
import io.berth.api.runtime.StartFailedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where {@code run --init} finds its init: the {@code initPath} setting, else docker's places in order. */
class InitBinaryTest {
    @TempDir
    Path tmp;

    @Test
    void theSettingWinsAndItsLinksAreFollowed() throws IOException {
        Path tini = Files.writeString(tmp.resolve("tini-static"), "init");
        Path link = Files.createSymbolicLink(tmp.resolve("docker-init"), tini.getFileName());
        Path other = Files.writeString(tmp.resolve("other"), "init");
        assertThat(new InitBinary(() -> link, List.of(other)).find()).isEqualTo(tini.toRealPath());
    }

    @Test
    void withoutTheSettingTheFirstDefaultThatExists() throws IOException {
        Path missing = tmp.resolve("libexec/docker-init");
        Path dir = Files.createDirectories(tmp.resolve("a-directory"));
        Path second = Files.writeString(tmp.resolve("tini-static"), "init");
        Path third = Files.writeString(tmp.resolve("tini"), "init");
        assertThat(new InitBinary(() -> null, List.of(missing, dir, second, third)).find()).isEqualTo(second.toRealPath());
    }

    @Test
    void aMissingInitIsOneLineNamingTheSettingWithDockersStatus() {
        Path missing = tmp.resolve("nope/docker-init");
        assertThatThrownBy(() -> new InitBinary(() -> missing, List.of()).find())
                .isInstanceOf(StartFailedException.class)
                .hasMessage("--init: initPath " + missing + " in the engine's configuration (conf/berth.engine.cfg) "
                        + "is not a file: no such file or directory")
                .satisfies(e -> assertThat(((StartFailedException) e).exitCode()).isEqualTo(127));
        assertThatThrownBy(() -> new InitBinary(() -> Path.of("bin/tini"), List.of()).find())
                .isInstanceOf(StartFailedException.class).hasMessageContaining("is not an absolute path");
        assertThatThrownBy(() -> new InitBinary(() -> null, List.of(missing, tmp.resolve("tini"))).find())
                .isInstanceOf(StartFailedException.class)
                .hasMessage("--init: no init binary: none of " + missing + ", " + tmp.resolve("tini") + " exists; "
                        + "install tini or set initPath in the engine's configuration (conf/berth.engine.cfg)")
                .satisfies(e -> assertThat(((StartFailedException) e).exitCode()).isEqualTo(127))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void dockersPlacesComeInDockersOrderThenDebiansTini() {
        assertThat(EngineSettings.DEFAULT_INIT_PATHS).containsExactly(Path.of("/usr/libexec/docker/docker-init"),
                Path.of("/usr/bin/docker-init"), Path.of("/usr/bin/tini-static"), Path.of("/usr/bin/tini"));
    }
}
