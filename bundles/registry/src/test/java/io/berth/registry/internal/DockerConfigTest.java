package io.berth.registry.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerConfigTest {
    @TempDir
    Path tmp;

    @Test
    void readsWhatDockerLoginWritesAndWritesWhatItReads() throws Exception {
        Path file = tmp.resolve("docker/config.json");
        Files.createDirectories(file.getParent());
        // As docker login leaves it: Docker Hub under its v1 URL, another registry by host, other settings.
        Files.writeString(file, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"aHViOnB3\"},"
                + "\"registry.example:5000\":{\"auth\":\"YWxpY2U6czNjcjN0OndpdGg6Y29sb25z\"}},"
                + "\"psFormat\":\"table {{.ID}}\"}");
        DockerConfig config = new DockerConfig(file);
        assertThat(config.credentials("docker.io")).contains(new RegistryClient.Credentials("hub", "pw"));
        assertThat(config.credentials("registry-1.docker.io")).contains(new RegistryClient.Credentials("hub", "pw"));
        assertThat(config.credentials("https://registry.example:5000/v2/"))
                .contains(new RegistryClient.Credentials("alice", "s3cr3t:with:colons"));
        assertThat(config.credentials("other.example")).isEmpty();

        config.save("127.0.0.1:5000", "bob", "pa55");
        config.save("docker.io", "hub2", "pw2");
        var json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("psFormat").asText()).isEqualTo("table {{.ID}}");
        assertThat(json.get("auths").get("127.0.0.1:5000").get("auth").asText()).isEqualTo("Ym9iOnBhNTU=");
        assertThat(json.get("auths").get("https://index.docker.io/v1/").get("auth").asText()).isEqualTo("aHViMjpwdzI=");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        assertThat(config.keptInFile("registry.example:5000")).isTrue();
        config.remove("registry.example:5000");
        config.remove("registry.example:5000");
        assertThat(config.credentials("registry.example:5000")).isEmpty();
        assertThat(config.credentials("127.0.0.1:5000")).contains(new RegistryClient.Credentials("bob", "pa55"));
    }

    @Test
    void credentialHelpersKeepWhatConfigJsonNamesThem() throws Exception {
        // A helper as docker-credential-helpers' programs behave, keeping its secrets in a directory of its own.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path vault = Files.createDirectories(tmp.resolve("vault"));
        Path helper = bin.resolve("docker-credential-test");
        Files.writeString(helper, "#!/bin/sh\nset -e\ninput=$(cat)\ncase \"$1\" in\n"
                + "store) server=$(printf '%s' \"$input\" | sed 's/.*\"ServerURL\":\"\\([^\"]*\\)\".*/\\1/')\n"
                + "  printf '%s' \"$input\" > \"" + vault + "/$(printf '%s' \"$server\" | tr '/:' '__')\" ;;\n"
                + "get) f=\"" + vault + "/$(printf '%s' \"$input\" | tr '/:' '__')\"\n"
                + "  if [ -f \"$f\" ]; then cat \"$f\"; else echo 'credentials not found in native keychain'; exit 1; fi ;;\n"
                + "erase) f=\"" + vault + "/$(printf '%s' \"$input\" | tr '/:' '__')\"\n"
                + "  if [ -f \"$f\" ]; then rm \"$f\"; else echo 'credentials not found in native keychain'; exit 1; fi ;;\n"
                + "esac\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        Path file = tmp.resolve("docker/config.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"credHelpers\":{\"helped.example:5000\":\"test\"},\"auths\":{}}");
        DockerConfig config = new DockerConfig(file, java.util.List.of(bin));

        assertThat(config.keptInFile("helped.example:5000")).isFalse();
        assertThat(config.credentials("helped.example:5000")).isEmpty();
        config.save("helped.example:5000", "carol", "pa55");
        assertThat(config.credentials("https://helped.example:5000/v2/")).contains(new RegistryClient.Credentials("carol", "pa55"));
        assertThat(Files.readString(file)).doesNotContain("pa55").doesNotContain("carol");
        // Others are in the file, until credsStore takes every registry.
        config.save("plain.example", "dave", "pw");
        assertThat(config.keptInFile("plain.example")).isTrue();
        config.remove("helped.example:5000");
        config.remove("helped.example:5000");
        assertThat(config.credentials("helped.example:5000")).isEmpty();
        assertThat(vault).isEmptyDirectory();

        Files.writeString(file, "{\"credsStore\":\"missing\"}");
        assertThat(config.keptInFile("plain.example")).isFalse();
        assertThatThrownBy(() -> config.credentials("plain.example"))
                .hasMessage(file + ": credential helper docker-credential-missing not found on the PATH");
    }

    @Test
    void aMissingFileHasNoCredentialsAndABrokenOneSaysWhy() throws Exception {
        assertThat(new DockerConfig(tmp.resolve("none/config.json")).credentials("docker.io")).isEmpty();
        Path broken = tmp.resolve("config.json");
        Files.writeString(broken, "{\"auths\":");
        assertThatThrownBy(() -> new DockerConfig(broken).credentials("docker.io"))
                .hasMessageStartingWith(broken + ": not valid JSON");
        Files.writeString(broken, "{\"auths\":{\"x.example\":{\"auth\":\"%%%\"}}}");
        assertThatThrownBy(() -> new DockerConfig(broken).credentials("x.example"))
                .hasMessage(broken + ": the auth of x.example is not base64");
    }
}
