package io.berth.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void interpolatesFromItselfThenOutside() {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("a", "${b}/x");
        in.put("b", "${home}/b");
        in.put("c", "${unknown}");
        Map<String, String> out = Configuration.interpolate(in, name -> name.equals("home") ? "/opt/berth" : null);
        assertThat(out).containsEntry("a", "/opt/berth/b/x").containsEntry("b", "/opt/berth/b").containsEntry("c", "${unknown}");
    }

    @Test
    void startupListInOrderAndMalformedLinesNamed() throws IOException {
        Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(dir.resolve("bundle/a.jar"), "");
        Files.writeString(dir.resolve("bundle/b.jar"), "");
        Path list = dir.resolve("startup.properties");
        Files.writeString(list, "# comment\nbundle/b.jar = 10\n\nbundle/a.jar=5\n");
        assertThat(Configuration.startupBundles(list, dir)).extracting(Configuration.StartupBundle::startLevel)
                .containsExactly(10, 5);

        Files.writeString(list, "bundle/a.jar = x\n");
        assertThatThrownBy(() -> Configuration.startupBundles(list, dir)).hasMessageContaining(":1: start level 'x' is not a number");
        Files.writeString(list, "bundle/missing.jar = 1\n");
        assertThatThrownBy(() -> Configuration.startupBundles(list, dir)).hasMessageContaining("does not exist");
    }

    @Test
    void missingPropertiesFileIsEmpty() throws IOException {
        assertThat(Configuration.properties(dir.resolve("none.cfg"))).isEmpty();
    }

    @Test
    void namesOfACommaSeparatedList() {
        assertThat(Configuration.names(" a.b ,c,, d ")).containsExactly("a.b", "c", "d");
        assertThat(Configuration.names("")).isEmpty();
        assertThat(Configuration.names(null)).isEmpty();
    }
}
