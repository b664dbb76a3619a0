package io.berth.posix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteOutTest {
    @Test
    void aFileIsWrittenOutAsItIs(@TempDir Path tmp) throws IOException {
        Path f = Files.writeString(tmp.resolve("f"), "data");
        Native.writeOut(f);
        assertThat(f).hasContent("data");
    }

    @Test
    void aMissingFileNamesTheCallAndThePath(@TempDir Path tmp) {
        assertThatThrownBy(() -> Native.writeOut(tmp.resolve("missing")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("open(")
                .hasMessageContaining("missing")
                .hasMessageContaining("No such file or directory");
    }
}
