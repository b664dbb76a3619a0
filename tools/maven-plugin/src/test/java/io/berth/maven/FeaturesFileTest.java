package io.berth.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeaturesFileTest {
    @TempDir
    Path dir;

    private Path write(String body) throws IOException {
        Path f = dir.resolve("features.xml");
        Files.writeString(f, "<features name=\"t\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">" + body + "</features>");
        return f;
    }

    @Test
    void includedFeaturesComeFirstAndBundlesOnce() throws IOException {
        FeaturesFile f = FeaturesFile.read(write("""
                <feature name="base" version="1"><bundle start-level="5">mvn:g/a/1</bundle></feature>
                <feature name="app" version="1"><feature>base</feature><bundle>mvn:g/b/1</bundle><bundle>mvn:g/a/1</bundle></feature>
                """));
        assertThat(f.bundles(List.of("app"))).containsExactly(
                new FeaturesFile.BundleRef("mvn:g/a/1", 5), new FeaturesFile.BundleRef("mvn:g/b/1", 80));
    }

    @Test
    void theContainersOwnFeaturesAreLeftOutOfWhatIsAssembled() throws IOException {
        FeaturesFile f = FeaturesFile.read(write("""
                <feature name="app" version="1"><feature dependency="true">scr</feature><bundle>mvn:g/b/1</bundle></feature>
                """));
        assertThat(f.bundles(List.of("app"))).containsExactly(new FeaturesFile.BundleRef("mvn:g/b/1", 80));
        assertThatThrownBy(() -> FeaturesFile.read(write("""
                <feature name="app" version="1"><feature>scr</feature></feature>
                """))).isInstanceOf(IOException.class).hasMessageContaining("includes undefined feature scr");
    }

    @Test
    void schemaViolationsNameTheLine() throws IOException {
        Path f = write("<feature name=\"x\"><bundel>mvn:g/a/1</bundel></feature>");
        assertThatThrownBy(() -> FeaturesFile.read(f)).isInstanceOf(IOException.class).hasMessageContaining("features.xml:1:");
    }

    @Test
    void undefinedAndCyclicFeaturesAreErrors() throws IOException {
        assertThatThrownBy(() -> FeaturesFile.read(write("<feature name=\"a\"><feature>nope</feature></feature>")))
                .hasMessageContaining("includes undefined feature nope");
        FeaturesFile cyclic = FeaturesFile.read(write(
                "<feature name=\"a\"><feature>b</feature></feature><feature name=\"b\"><feature>a</feature></feature>"));
        assertThatThrownBy(() -> cyclic.bundles(List.of("a"))).hasMessageContaining("include each other");
    }

    @Test
    void mavenUris() {
        assertThat(MavenUri.parse("mvn:io.berth/berth-api/0.1.0").fileName()).isEqualTo("berth-api-0.1.0.jar");
        assertThat(MavenUri.parse("mvn:g/a/1/xml/features").fileName()).isEqualTo("a-1-features.xml");
        assertThatThrownBy(() -> MavenUri.parse("file:/x.jar")).hasMessageContaining("is not an mvn: location");
        assertThatThrownBy(() -> MavenUri.parse("mvn:g/a/${v}")).hasMessageContaining("unexpanded");
    }
}
