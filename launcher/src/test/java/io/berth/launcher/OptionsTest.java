package io.berth.launcher;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OptionsTest {
    @Test
    void daemonWithRoots() {
        Options o = Options.parse(List.of("daemon", "--root", "/srv/berth", "--run-root=/run/b", "--pid-file", "/tmp/p"));
        assertThat(o.daemon()).isTrue();
        assertThat(o.root()).isEqualTo(Path.of("/srv/berth"));
        assertThat(o.runRoot()).isEqualTo(Path.of("/run/b"));
        assertThat(o.pidFile()).isEqualTo(Path.of("/tmp/p"));
        assertThat(o.logFile()).isNull();
    }

    @Test
    void consoleByDefaultWithRelativeRootsMadeAbsolute() {
        Options o = Options.parse(List.of("--root", "data"));
        assertThat(o.daemon()).isFalse();
        assertThat(o.root().isAbsolute() && o.root().endsWith("data")).isTrue();
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        assertThatThrownBy(() -> Options.parse(List.of("daemon", "--root"))).hasMessage("option --root needs a value");
        assertThatThrownBy(() -> Options.parse(List.of("daemon", "--root="))).hasMessage("option --root needs a value");
        assertThatThrownBy(() -> Options.parse(List.of("--bogus"))).hasMessage("unknown option '--bogus'");
        assertThatThrownBy(() -> Options.parse(List.of("--root", "x", "daemon"))).hasMessage("'daemon' must come first");
    }
}
