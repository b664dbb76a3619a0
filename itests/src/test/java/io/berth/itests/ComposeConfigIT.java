package io.berth.itests;

import com.fasterxml.jackson.core.type.TypeReference;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code berth compose config} through bin/berth from a project directory, beside Debian's
 * docker-compose 1.29.2 ({@code docker-compose config}) on the same files. Berth follows compose v2;
 * where v1 and v2 agree the two must print the same model. The deliberate v2-vs-v1 differences,
 * left out of the comparison:
 * <ul>
 * <li>v2 prints the top-level {@code name:} and {@code networks.default} ({@code name: <project>_default}),
 *     and every service's {@code networks: {default: null}}; v1 prints {@code version: '3.9'} and neither.</li>
 * <li>v2 splits a string {@code command} into words; v1 prints the string.</li>
 * <li>v2 prints ports and volumes in their long forms ({@code mode: ingress}, {@code published} a string,
 *     {@code bind: {create_host_path: true}}); v1 prints short forms ({@code 127.0.0.1:18080:8080/tcp},
 *     {@code /abs/www:/www:ro}).</li>
 * <li>v2 gives {@code depends_on} entries {@code required: true}; v1 only {@code condition}.</li>
 * <li>v2 prints env files it read under {@code environment}; v1 too, but keeps no {@code env_file} key.</li>
 * <li>v2 rejects {@code name:}, {@code include} and {@code ${VAR:+alt}} nowhere; v1 rejects them (not compared).</li>
 * </ul>
 */
class ComposeConfigIT extends DaemonWithBusybox {
    private static final Path COMPOSE_V1 = Path.of("/usr/bin/docker-compose");

    private Path project(String resource, String dir) throws Exception {
        Path d = berth.root.resolveSibling(dir);
        Files.createDirectories(d.resolve("www"));
        try (InputStream in = getClass().getResourceAsStream("/compose/" + resource)) {
            Files.copy(in, d.resolve("docker-compose.yml"));
        }
        Files.writeString(d.resolve(".env"), "WEB_PORT=18080\nGREETING=hi-from-dotenv\n");
        return d;
    }

    private Installation.Result v1(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(COMPOSE_V1.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().remove("COMPOSE_PROJECT_NAME");
        return Installation.run(pb, null, "docker-compose " + String.join(" ", args));
    }

    @Test
    void theReferenceProjectMatchesDockerCompose129() throws Exception {
        Requirements.require(Files.isExecutable(COMPOSE_V1), "docker-compose is not installed (apt-get install docker-compose)");
        Path dir = project("cmpres.yml", "cmpres");
        Installation.Result ours = berth.runIn(dir, Map.of(), "compose", "config", "--format", "json");
        assertThat(ours.status()).as(ours.err()).isZero();
        Installation.Result theirs = v1(dir, "config");
        assertThat(theirs.status()).as(theirs.out()).isZero();
        Map<String, Object> v2 = JSON.readValue(ours.out().replace("$$", "$"), new TypeReference<Map<String, Object>>() { });
        Map<String, Object> v1 = new Yaml().load(theirs.out().replace("$$", "$"));

        assertThat(v2.get("name")).isEqualTo("cmpres");
        assertThat(common(v2, "v2")).isEqualTo(common(v1, "v1"));
        assertThat(berth.runIn(dir, Map.of(), "compose", "config", "--services").out().lines().sorted().toList())
                .isEqualTo(v1(dir, "config", "--services").out().lines().sorted().toList());
        assertThat(berth.runIn(dir, Map.of(), "compose", "config", "--volumes").out())
                .isEqualTo(v1(dir, "config", "--volumes").out());
        // The caller's environment wins over .env, for both.
        Installation.Result shell = berth.runIn(dir, Map.of("GREETING", "from-shell"), "compose", "config", "--format", "json");
        assertThat(shell.out()).contains("\"GREETING\" : \"from-shell\"");
        // YAML is the default; -q only validates.
        assertThat(berth.runIn(dir, Map.of(), "compose", "config").out()).startsWith("name: cmpres\nservices:\n");
        Installation.Result quiet = berth.runIn(dir, Map.of(), "compose", "config", "-q");
        assertThat(quiet.status()).isZero();
        assertThat(quiet.out()).isEmpty();
        Installation.Result p = berth.runIn(dir, Map.of(), "compose", "config", "-p", "Bad.Name");
        assertThat(p.status()).isEqualTo(1);
        assertThat(p.err()).isEqualTo("Error: invalid project name \"Bad.Name\": must consist only of lowercase alphanumeric "
                + "characters, hyphens, and underscores as well as start with a letter or number\n");
    }

    @Test
    void invalidFilesGiveOnePreciseErrorAndDockerComposeRejectsThemToo() throws Exception {
        Requirements.require(Files.isExecutable(COMPOSE_V1), "docker-compose is not installed (apt-get install docker-compose)");
        Map<String, String> corpus = new LinkedHashMap<>();
        corpus.put("services:\n  web:\n    image: x\n    imagee: y\n",
                "Error: docker-compose.yml:4:5: services.web: additional properties 'imagee' not allowed\n");
        corpus.put("services:\n  web:\n    image: x\n    ports: 8080\n",
                "Error: docker-compose.yml:4:5: services.web.ports: must be a sequence, got integer\n");
        corpus.put("services:\n  web:\n    image: ${IMG\n",
                "Error: docker-compose.yml:3:5: services.web.image: invalid interpolation format: \"${IMG\" "
                        + "(you may need to escape any $ with another $)\n");
        corpus.put("services:\n  web:\n    image: x\n   ports: []\n",
                "Error: docker-compose.yml:4:4: yaml: while parsing a block mapping: expected <block end>, but found "
                        + "'<block mapping start>'\n");
        corpus.put("services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n",
                "Error: docker-compose.yml:4:5: services.a.depends_on: dependency cycle detected: a -> b -> a\n");
        int i = 0;
        for (Map.Entry<String, String> e : corpus.entrySet()) {
            Path dir = berth.root.resolveSibling("invalid" + i++);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("docker-compose.yml"), e.getKey());
            Installation.Result ours = berth.runIn(dir, Map.of(), "compose", "config");
            assertThat(ours.status()).as(e.getKey()).isEqualTo(1);
            assertThat(ours.err()).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(v1(dir, "config").status()).as("docker-compose config on " + e.getKey()).isNotZero();
        }
    }

    /** What v1 and v2 print alike: per service, the keys both print in the same form, and the volume keys. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> common(Map<String, Object> model, String which) {
        Map<String, Object> out = new TreeMap<>();
        Map<String, Object> services = (Map<String, Object>) model.get("services");
        services.forEach((name, s) -> {
            Map<String, Object> svc = new TreeMap<>((Map<String, Object>) s);
            svc.remove("networks");
            svc.remove("ports");
            svc.remove("volumes");
            svc.remove("command");
            Object deps = svc.remove("depends_on");
            if (deps instanceof Map<?, ?> m) {
                Map<String, Object> conditions = new TreeMap<>();
                m.forEach((k, v) -> conditions.put((String) k, ((Map<String, Object>) v).get("condition")));
                svc.put("depends_on", conditions);
            }
            Map<String, Object> original = (Map<String, Object>) s;
            if (original.get("networks") instanceof Map<?, ?> n && n.get("default") instanceof Map<?, ?> d) {
                svc.put("aliases", d.get("aliases"));
            }
            List<String> ports = new ArrayList<>();
            for (Object p : (List<Object>) original.getOrDefault("ports", List.of())) {
                if (p instanceof Map<?, ?> m) {
                    ports.add(m.get("host_ip") + ":" + m.get("published") + ":" + m.get("target") + "/" + m.get("protocol"));
                } else {
                    ports.add((String) p);
                }
            }
            svc.put("ports", ports);
            List<String> volumes = new ArrayList<>();
            for (Object v : (List<Object>) original.getOrDefault("volumes", List.of())) {
                if (v instanceof Map<?, ?> m) {
                    if ("bind".equals(m.get("type"))) {
                        volumes.add(m.get("source") + ":" + m.get("target") + (Boolean.TRUE.equals(m.get("read_only")) ? ":ro" : ""));
                    } else {
                        volumes.add(m.get("type") + " " + m.get("source") + " " + m.get("target"));
                    }
                } else {
                    volumes.add((String) v);
                }
            }
            svc.put("volumes", volumes);
            Object command = original.get("command");
            // v1 keeps a string command as written, v2 splits it with shell rules: "sh -c '...'" here.
            svc.put("command", command instanceof String c ? List.of(c.split(" ", 3)).stream()
                    .map(w -> w.startsWith("'") && w.endsWith("'") ? w.substring(1, w.length() - 1) : w).toList() : command);
            out.put(name, svc);
        });
        Map<String, Object> result = new TreeMap<>();
        result.put("services", out);
        result.put("volumes", ((Map<String, Object>) model.getOrDefault("volumes", Map.of())).keySet());
        return result;
    }
}
