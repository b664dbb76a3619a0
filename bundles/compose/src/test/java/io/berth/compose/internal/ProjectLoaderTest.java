package io.berth.compose.internal;

import io.berth.api.NotFoundException;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProjectLoaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    private ComposeProject load(Map<String, String> env, String... files) {
        return ProjectLoader.load(new ComposeRequest(dir, env, List.of(files), null, null, List.of(), List.of(), true));
    }

    private String render(ComposeProject p) {
        return new LocalComposeLoader().render(p, "yaml");
    }

    @Test
    void theReferenceProjectNormalises() throws IOException {
        Path project = dir.resolve("cmpres");
        write("cmpres/.env", "WEB_PORT=18080", "GREETING=hi-from-dotenv");
        write("cmpres/docker-compose.yml",
                "version: \"3.9\"",
                "x-common: &common",
                "  image: bb:latest",
                "  init: true",
                "  labels: {org.example.demo: \"cmpres\"}",
                "services:",
                "  web:",
                "    <<: *common",
                "    command: [\"httpd\", \"-f\", \"-v\", \"-p\", \"8080\", \"-h\", \"/www\"]",
                "    volumes: [\"./www:/www:ro\", {type: volume, source: webdata, target: /data}, {type: tmpfs, target: /tmp/scratch}]",
                "    ports: [\"127.0.0.1:${WEB_PORT:-18080}:8080\"]",
                "    expose: [\"9000\"]",
                "    hostname: web-host",
                "    healthcheck: {test: [\"CMD\",\"wget\",\"-q\",\"-O\",\"/dev/null\",\"http://127.0.0.1:8080/\"], interval: 1s, timeout: 2s, retries: 10}",
                "    networks: {default: {aliases: [www, frontend]}}",
                "  client:",
                "    <<: *common",
                "    depends_on: {web: {condition: service_healthy}}",
                "    environment: {GREETING: \"${GREETING:-hello}\", LITERAL: \"$$HOME stays literal\"}",
                "    command: sh -c 'echo hi'",
                "    stop_grace_period: 2s",
                "  worker:",
                "    <<: *common",
                "    command: [\"sh\", \"-c\", \"echo worker $$HOSTNAME started\"]",
                "    deploy: {replicas: 3}",
                "    stop_signal: SIGTERM",
                "volumes: {webdata: {}}");
        ComposeProject p = ProjectLoader.load(new ComposeRequest(project.resolve("sub").getParent(), Map.of("GREETING", "shell"),
                List.of(), null, null, List.of(), List.of(), true));
        assertThat(p.name()).isEqualTo("cmpres");
        assertThat(p.warnings()).anyMatch(w -> w.contains("the attribute `version` is obsolete"));
        ComposeProject.Service web = p.services().get("web");
        assertThat(web.image()).isEqualTo("bb:latest");
        assertThat(web.init()).isTrue();
        assertThat(web.ports()).containsExactly(new ComposeProject.Port("ingress", "127.0.0.1", 8080, "18080", "tcp"));
        assertThat(web.volumes().get(0)).isEqualTo(new ComposeProject.Mount("bind", project.resolve("www").toString(), "/www", true,
                Map.of("create_host_path", true)));
        assertThat(web.volumes().get(1).source()).isEqualTo("webdata");
        assertThat(web.healthcheck().interval()).hasSeconds(1);
        assertThat(web.networks().get("default").aliases()).containsExactly("www", "frontend");
        ComposeProject.Service client = p.services().get("client");
        assertThat(client.environment()).containsEntry("GREETING", "shell").containsEntry("LITERAL", "$HOME stays literal");
        assertThat(client.command()).containsExactly("sh", "-c", "echo hi");
        assertThat(client.dependsOn().get("web").condition()).isEqualTo("service_healthy");
        assertThat(client.stopGracePeriod()).hasSeconds(2);
        assertThat(p.services().get("worker").replicas()).isEqualTo(3);
        assertThat(p.networks().get("default").name()).isEqualTo("cmpres_default");
        assertThat(p.volumes().get("webdata").name()).isEqualTo("cmpres_webdata");
        String yaml = render(p);
        assertThat(yaml).startsWith("name: cmpres\nservices:\n").contains("      - mode: ingress\n        host_ip: 127.0.0.1\n"
                + "        target: 8080\n        published: '18080'\n").contains("LITERAL: $$HOME stays literal");
        assertThat(new LocalComposeLoader().render(p, "json")).contains("\"published\" : \"18080\"");
    }

    @Test
    void filesAreFoundUpwardsInV2sOrderWithTheirOverride() throws IOException {
        write("proj/docker-compose.yml", "services: {a: {image: x}}");
        write("proj/compose.yaml", "services: {b: {image: x}}");
        write("proj/compose.override.yml", "services: {b: {image: y}}");
        Files.createDirectories(dir.resolve("proj/deep/er"));
        ComposeProject p = ProjectLoader.load(ComposeRequest.of(dir.resolve("proj/deep/er"), Map.of()));
        assertThat(p.configFiles()).containsExactly(dir.resolve("proj/compose.yaml"), dir.resolve("proj/compose.override.yml"));
        assertThat(p.services().keySet()).containsExactly("b");
        assertThat(p.services().get("b").image()).isEqualTo("y");
        assertThat(p.name()).isEqualTo("proj");
        assertThat(p.warnings()).containsExactly(
                "Found multiple config files with supported names: " + dir.resolve("proj/compose.yaml") + ", "
                        + dir.resolve("proj/docker-compose.yml"),
                "Using " + dir.resolve("proj/compose.yaml"));
        assertThatThrownBy(() -> ProjectLoader.load(ComposeRequest.of(dir, Map.of()))).isInstanceOf(NotFoundException.class)
                .hasMessage("no configuration file provided: not found");
    }

    @Test
    void dashFileIsTheCallersStandardInput() throws IOException {
        write("here/.env", "TAG=from-dotenv");
        write("here/extra.yaml", "services: {b: {image: extra}}");
        ComposeProject p = ProjectLoader.load(new ComposeRequest(dir.resolve("here"), Map.of(), List.of("-", "extra.yaml"),
                null, null, List.of(), List.of(), true, "services: {a: {image: \"busybox:${TAG}\"}}\n"));
        assertThat(p.name()).isEqualTo("here");
        assertThat(p.workingDirectory()).isEqualTo(dir.resolve("here"));
        assertThat(p.services().get("a").image()).isEqualTo("busybox:from-dotenv");
        assertThat(p.services().get("b").image()).isEqualTo("extra");
        assertThatThrownBy(() -> ProjectLoader.load(new ComposeRequest(dir.resolve("here"), Map.of(), List.of("-"),
                null, null, List.of(), List.of(), true, "services: {a: {image: x, nokey: 1}}\n")))
                .hasMessageStartingWith("-:1:26: services.a: additional properties 'nokey' not allowed");
        assertThatThrownBy(() -> ProjectLoader.load(new ComposeRequest(dir.resolve("here"), Map.of(), List.of("-"),
                null, null, List.of(), List.of(), true))).hasMessage("-f -: no standard input to read the compose file from");
    }

    @Test
    void projectNamePrecedence() throws IOException {
        write("My Dir/compose.yaml", "name: ${N:-From File}", "services: {a: {image: x}}");
        Path d = dir.resolve("My Dir");
        assertThat(ProjectLoader.load(ComposeRequest.of(d, Map.of())).name()).isEqualTo("fromfile");
        assertThat(ProjectLoader.load(ComposeRequest.of(d, Map.of("COMPOSE_PROJECT_NAME", "env1"))).name()).isEqualTo("env1");
        assertThat(ProjectLoader.load(new ComposeRequest(d, Map.of("COMPOSE_PROJECT_NAME", "env1"), List.of(), null, "dash-p",
                List.of(), List.of(), true)).name()).isEqualTo("dash-p");
        assertThatThrownBy(() -> ProjectLoader.load(new ComposeRequest(d, Map.of(), List.of(), null, "Bad.Name", List.of(),
                List.of(), true))).hasMessageStartingWith("invalid project name \"Bad.Name\"");
        write("Other Dir/compose.yaml", "services: {a: {image: x}}");
        assertThat(ProjectLoader.load(ComposeRequest.of(dir.resolve("Other Dir"), Map.of())).name()).isEqualTo("otherdir");
    }

    @Test
    void severalFilesMergeWithTheSpecsRules() {
        try {
            write("a.yaml", "services:", "  web:", "    image: a", "    command: [one]", "    environment: [A=1, B=2]",
                    "    ports: [\"8080:80\", \"9000:90\"]", "    volumes: [\"/x:/data\"]", "    dns: [1.1.1.1]",
                    "    labels: {l1: a}");
            write("b.yaml", "services:", "  web:", "    image: b", "    command: [two, three]", "    environment: {B: 3, C: 4}",
                    "    ports: [\"8080:80\"]", "    volumes: [\"/y:/data\"]", "    labels: [l2=b]", "    cap_add: [NET_ADMIN]",
                    "  more: {image: m, command: !reset []}");
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        ComposeProject.Service web = load(Map.of(), "a.yaml", "b.yaml").services().get("web");
        assertThat(web.image()).isEqualTo("b");
        assertThat(web.command()).containsExactly("two", "three");
        assertThat(web.environment()).containsExactly(Map.entry("A", "1"), Map.entry("B", "3"), Map.entry("C", "4"));
        assertThat(web.ports()).extracting(ComposeProject.Port::published).containsExactly("9000", "8080");
        assertThat(web.volumes()).extracting(ComposeProject.Mount::source).containsExactly("/y");
        assertThat(web.labels()).containsEntry("l1", "a").containsEntry("l2", "b");
        assertThat(web.capAdd()).containsExactly("NET_ADMIN");
    }

    @Test
    void extendsInTheSameFileAndAnother() throws IOException {
        write("lib/base.yaml", "services:", "  base:", "    image: lib", "    environment: {FROM: lib}", "    volumes: [\"./data:/d\"]");
        write("compose.yaml", "services:", "  common: {image: c, environment: [X=1], command: [a]}",
                "  one: {extends: common, command: [b]}", "  two: {extends: {file: lib/base.yaml, service: base}, environment: {Y: 2}}",
                "  three: {extends: {service: one}}");
        ComposeProject p = load(Map.of(), "compose.yaml");
        assertThat(p.services().get("one").image()).isEqualTo("c");
        assertThat(p.services().get("one").command()).containsExactly("b");
        assertThat(p.services().get("three").command()).containsExactly("b");
        assertThat(p.services().get("two").environment()).containsEntry("FROM", "lib").containsEntry("Y", "2");
        assertThat(p.services().get("two").volumes().get(0).source()).isEqualTo(dir.resolve("lib/data").toString());
        assertThat(p.services().get("two").definition()).doesNotContainKey("extends");
    }

    @Test
    void includeAddsAnotherProjectsResources() throws IOException {
        write("db/compose.yaml", "services: {db: {image: postgres, volumes: [\"./init:/init\", \"dbdata:/var/lib\"]}}",
                "volumes: {dbdata: {}}");
        write("compose.yaml", "include: [db/compose.yaml]", "services: {app: {image: app, depends_on: [db]}}");
        ComposeProject p = load(Map.of(), "compose.yaml");
        assertThat(p.services().keySet()).containsExactlyInAnyOrder("app", "db");
        assertThat(p.services().get("db").volumes().get(0).source()).isEqualTo(dir.resolve("db/init").toString());
        assertThat(p.volumes()).containsKey("dbdata");
    }

    @Test
    void includeTwiceOfTheSameResourcesIsNoConflictButACycleIsRefused() throws IOException {
        write("common/compose.yaml", "services: {log: {image: log}}");
        write("a/compose.yaml", "include: [../common/compose.yaml]", "services: {a: {image: a}}");
        write("b/compose.yaml", "include: [../common/compose.yaml]", "services: {b: {image: b}}");
        write("compose.yaml", "include: [a/compose.yaml, b/compose.yaml]", "services: {app: {image: app}}");
        assertThat(load(Map.of(), "compose.yaml").services().keySet()).containsExactlyInAnyOrder("app", "a", "b", "log");

        write("loop/one.yaml", "include: [two.yaml]", "services: {one: {image: x}}");
        write("loop/two.yaml", "include: [one.yaml]", "services: {two: {image: x}}");
        assertThatThrownBy(() -> load(Map.of(), "loop/one.yaml")).hasMessage("include cycle detected:\n"
                + dir.resolve("loop/one.yaml") + "\n include " + dir.resolve("loop/two.yaml") + "\n include "
                + dir.resolve("loop/one.yaml"));
    }

    @Test
    void profilesSelectServices() throws IOException {
        write("compose.yaml", "services:", "  app: {image: a}", "  debug: {image: d, profiles: [dev]}",
                "  tools: {image: t, profiles: [tools, dev]}");
        assertThat(load(Map.of(), "compose.yaml").services().keySet()).containsExactly("app");
        assertThat(load(Map.of(), "compose.yaml").disabledServices()).containsExactly("debug", "tools");
        assertThat(load(Map.of("COMPOSE_PROFILES", "tools"), "compose.yaml").services().keySet()).containsExactly("app", "tools");
        assertThat(ProjectLoader.load(new ComposeRequest(dir, Map.of(), List.of("compose.yaml"), null, null, List.of("dev"),
                List.of(), true)).services().keySet()).containsExactly("app", "debug", "tools");
    }

    @Test
    void anchorsAliasesAndMergeKeys() throws IOException {
        write("compose.yaml", "x-env: &env {A: 1, B: 2}", "x-base: &base {image: base, environment: *env}",
                "x-more: &more {restart: always, image: more}",
                "services:", "  s1: {<<: [*base, *more], hostname: h}", "  s2:", "    <<: *base", "    image: own");
        ComposeProject p = load(Map.of(), "compose.yaml");
        assertThat(p.services().get("s1").image()).isEqualTo("base");
        assertThat(p.services().get("s1").restart()).isEqualTo("always");
        assertThat(p.services().get("s1").environment()).containsEntry("A", "1");
        assertThat(p.services().get("s2").image()).isEqualTo("own");
        assertThat(p.model()).doesNotContainKeys("x-env", "x-base");
    }

    @Test
    void envFilesAndDotEnv() throws IOException {
        write(".env", "TAG=1.0", "FROM_DOTENV=dot");
        write("custom.env", "TAG=2.0");
        write("app.env", "A=from-file", "B=from-file");
        write("compose.yaml", "services:", "  s: {image: \"x:${TAG}\", env_file: app.env, environment: {B: env, C: null, D: ~}}");
        ComposeProject p = load(Map.of("C", "shell"), "compose.yaml");
        assertThat(p.services().get("s").image()).isEqualTo("x:1.0");
        assertThat(p.services().get("s").environment()).containsEntry("A", "from-file").containsEntry("B", "env")
                .containsEntry("C", "shell").containsEntry("D", null);
        assertThat(load(Map.of("TAG", "shell"), "compose.yaml").services().get("s").image()).isEqualTo("x:shell");
        assertThat(ProjectLoader.load(new ComposeRequest(dir, Map.of(), List.of("compose.yaml"), null, null, List.of(),
                List.of("custom.env"), true)).services().get("s").image()).isEqualTo("x:2.0");
        assertThat(ProjectLoader.load(new ComposeRequest(dir, Map.of(), List.of("compose.yaml"), null, null, List.of(),
                List.of(), false)).services().get("s").image()).isEqualTo("x:${TAG}");
    }

    /** The corpus of invalid files: exactly one precise error each. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "unknown-key|services: {web: {image: x, imagee: y}}|compose.yaml:1:28: services.web: additional properties 'imagee' not allowed",
            "wrong-type|services:\\n  web:\\n    image: x\\n    ports: 8080|compose.yaml:4:5: services.web.ports: must be a sequence, got integer",
            "wrong-item|services:\\n  web:\\n    image: x\\n    ports:\\n      - {target: 80, bogus: 1}|compose.yaml:5:22: services.web.ports[0]: additional properties 'bogus' not allowed",
            "bad-interpolation|services:\\n  web:\\n    image: ${IMG|compose.yaml:3:5: services.web.image: invalid interpolation format: \"${IMG\" (you may need to escape any $ with another $)",
            "required-variable|services:\\n  web:\\n    image: ${IMG:?IMG must be set}|compose.yaml:3:5: services.web.image: required variable IMG is missing a value: IMG must be set",
            "yaml-syntax|services:\\n  web:\\n    image: x\\n   ports: []|compose.yaml:4:4: yaml: while parsing a block mapping: expected <block end>, but found '<block mapping start>'",
            "duplicate-key|services:\\n  web:\\n    image: x\\n    image: y|compose.yaml:4:5: services.web.image: mapping key \"image\" already defined at line 3",
            "cycle|services:\\n  a: {image: x, depends_on: [b]}\\n  b: {image: x, depends_on: [a]}|compose.yaml:2:17: services.a.depends_on: dependency cycle detected: a -> b -> a",
            "undefined-dependency|services:\\n  web: {image: x, depends_on: [db]}|compose.yaml:2:19: services.web.depends_on: service \"web\" depends on undefined service \"db\": invalid compose project",
            "undefined-link|services:\\n  web: {image: x, links: [\"db:database\"]}|compose.yaml:2:19: services.web.links: service \"web\" depends on undefined service \"db\": invalid compose project",
            "unknown-extends|services:\\n  web: {image: x, extends: base}|compose.yaml:2:19: services.web.extends: cannot extend service \"web\" in compose.yaml: service \"base\" not found",
    })
    void invalidFilesGiveOnePreciseError(String name, String text, String error) throws IOException {
        write("compose.yaml", text.replace("\\n", "\n"));
        assertThatThrownBy(() -> load(Map.of(), "compose.yaml")).as(name).hasMessage(error);
    }
}
