package io.berth.itests;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.testing.LocalRegistry;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compose projects run by the engine through bin/berth, from the project's directory as a user runs
 * them: the reference's 3-service project (a web server with a health check and a published port, a
 * client that waits for it to be healthy and fetches it by name, three workers) through the seed's
 * steps, recreation on a changed configuration, and the {@code depends_on} conditions, met and not.
 */
class ComposeIT extends DaemonWithBusybox {
    private Path project(String dir, String compose) throws Exception {
        Path d = berth.root.resolveSibling(dir);
        Files.createDirectories(d.resolve("www"));
        Files.writeString(d.resolve("docker-compose.yml"), compose);
        return d;
    }

    private Installation.Result compose(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("compose"));
        all.addAll(List.of(args));
        return berth.runIn(dir, env, all.toArray(String[]::new));
    }

    private Installation.Result composeOk(Path dir, Map<String, String> env, String... args) throws Exception {
        Installation.Result r = compose(dir, env, args);
        assertThat(r.status()).as("compose " + String.join(" ", args) + ": " + r.out() + r.err()).isZero();
        return r;
    }

    private List<String> names(String... psArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("ps", "--format", "{{.Names}}"));
        args.addAll(List.of(psArgs));
        return ok(args.toArray(String[]::new)).out().lines().sorted().toList();
    }

    private JsonNode inspect(String what, String name) throws Exception {
        return JSON.readTree(ok(what, "inspect", name).out()).get(0);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theReferenceProjectGoesThroughTheSeedsSteps() throws Exception {
        ok("tag", "busybox:latest", "bb:latest");
        String compose;
        try (InputStream in = getClass().getResourceAsStream("/compose/cmpres.yml")) {
            compose = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        Path dir = project("cmpres", compose);
        Files.writeString(dir.resolve("www/index.html"), "hello from web\n");
        Files.writeString(dir.resolve(".env"), "WEB_PORT=18080\nGREETING=hi-from-dotenv\n");
        int port = freePort();
        // The caller's environment wins over .env.
        Map<String, String> env = Map.of("WEB_PORT", Integer.toString(port));

        Installation.Result up = composeOk(dir, env, "up", "-d");
        assertThat(up.err()).contains(" Network cmpres_default  Created", " Volume \"cmpres_webdata\"  Created",
                " Container cmpres-web-1  Healthy", " Container cmpres-client-1  Started");
        // The client was created only once web was healthy.
        assertThat(up.err().indexOf(" Container cmpres-client-1  Creating"))
                .isGreaterThan(up.err().indexOf(" Container cmpres-web-1  Healthy"));
        List<String> five = List.of("cmpres-client-1", "cmpres-web-1", "cmpres-worker-1", "cmpres-worker-2", "cmpres-worker-3");
        assertThat(names()).isEqualTo(five);
        JsonNode web = inspect("container", "cmpres-web-1");
        JsonNode labels = web.at("/Config/Labels");
        assertThat(labels.get("com.docker.compose.project").asText()).isEqualTo("cmpres");
        assertThat(labels.get("com.docker.compose.service").asText()).isEqualTo("web");
        assertThat(labels.get("com.docker.compose.container-number").asText()).isEqualTo("1");
        assertThat(labels.get("com.docker.compose.oneoff").asText()).isEqualTo("False");
        assertThat(labels.get("com.docker.compose.config-hash").asText()).matches("[0-9a-f]{64}");
        assertThat(labels.get("com.docker.compose.project.working_dir").asText()).isEqualTo(dir.toString());
        assertThat(labels.get("org.example.demo").asText()).isEqualTo("cmpres");
        assertThat(web.at("/HostConfig/Init").asBoolean()).isTrue();
        assertThat(web.at("/Config/Hostname").asText()).isEqualTo("web-host");
        assertThat(web.at("/NetworkSettings/Networks/cmpres_default/Aliases").toString())
                .contains("\"cmpres-web-1\"", "\"web\"", "\"www\"", "\"frontend\"");
        assertThat(inspect("network", "cmpres_default").at("/Labels/com.docker.compose.network").asText()).isEqualTo("default");
        assertThat(inspect("volume", "cmpres_webdata").at("/Labels/com.docker.compose.volume").asText()).isEqualTo("webdata");
        assertThat(inspect("container", "cmpres-client-1").at("/Config/Env").toString())
                .contains("GREETING=hi-from-dotenv", "LITERAL=$HOME stays literal");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).isEqualTo("hello from web\n");

        String ps = composeOk(dir, env, "ps").out();
        assertThat(ps.lines().findFirst().orElseThrow()).matches("NAME +IMAGE +COMMAND +SERVICE +CREATED +STATUS +PORTS");
        assertThat(ps).containsPattern("cmpres-web-1 +bb:latest +\"httpd -f -v -p 8080…\" +web .*\\(healthy\\) +9000/tcp, 127.0.0.1:"
                + port + "->8080/tcp");
        assertThat(composeOk(dir, env, "ps", "--services").out().lines().sorted().toList()).containsExactly("client", "web", "worker");
        assertThat(composeOk(dir, env, "port", "web", "8080").out()).isEqualTo("127.0.0.1:" + port + "\n");

        // The client reaches web by its service name on the project's network.
        Instant deadline = Instant.now().plusSeconds(30);
        String logs = "";
        while (Instant.now().isBefore(deadline) && !logs.contains("client-1 | hello from web")) {
            Thread.sleep(200);
            logs = composeOk(dir, env, "logs").out();
        }
        assertThat(logs).contains("client-1 | hello from web").contains("worker-1 | worker ").contains("worker-3 | worker ");
        assertThat(composeOk(dir, env, "logs", "--tail", "1", "worker").out().lines().toList()).hasSize(3)
                .allMatch(l -> l.matches("worker-[123] \\| worker [0-9a-f]{12} started"));

        composeOk(dir, env, "scale", "worker=5");
        assertThat(names()).containsExactly("cmpres-client-1", "cmpres-web-1", "cmpres-worker-1", "cmpres-worker-2",
                "cmpres-worker-3", "cmpres-worker-4", "cmpres-worker-5");

        // The seed: docker stop $(docker container ls -q), then docker-compose rm -v -f.
        List<String> stop = new ArrayList<>(List.of("stop"));
        stop.addAll(ok("container", "ls", "-q").out().lines().toList());
        ok(stop.toArray(String[]::new));
        assertThat(names()).isEmpty();
        assertThat(composeOk(dir, env, "ps", "-a", "--format", "{{.State}}").out().lines().distinct().toList())
                .containsExactly("exited");
        Installation.Result rm = composeOk(dir, env, "rm", "-v", "-f");
        assertThat(rm.err()).contains(" Container cmpres-worker-5  Removed");
        assertThat(names("-a")).isEmpty();
        assertThat(ok("volume", "ls", "-q").out()).isEqualTo("cmpres_webdata\n");
        assertThat(compose(dir, env, "rm", "-f").err()).endsWith("\nNo stopped containers\n");

        // Up again: the file's 3 workers, the volume kept.
        composeOk(dir, env, "up", "-d");
        assertThat(names()).isEqualTo(five);
        assertThat(composeOk(dir, Map.of(), "ls").out()).containsPattern("cmpres +running\\(5\\) +" + dir.resolve("docker-compose.yml"));

        Installation.Result down = composeOk(dir, env, "down", "-v");
        assertThat(down.err()).contains(" Network cmpres_default  Removed", " Volume cmpres_webdata  Removed");
        // Dependents stop first: the client before web.
        assertThat(down.err().indexOf(" Container cmpres-client-1  Stopped"))
                .isLessThan(down.err().indexOf(" Container cmpres-web-1  Stopping"));
        assertThat(names("-a")).isEmpty();
        assertThat(ok("network", "ls", "--format", "{{.Name}}").out()).doesNotContain("cmpres");
        assertThat(ok("volume", "ls", "-q").out()).isEmpty();
    }

    @Test
    void onlyWhatChangedIsRecreatedAndAnonymousVolumesAreKept() throws Exception {
        Path dir = project("recreate", """
                services:
                  a:
                    image: busybox
                    command: ["sleep", "300"]
                    environment:
                      X: ${X:-1}
                    volumes: ["/data"]
                  b:
                    image: busybox
                    command: ["sleep", "300"]
                    init: true
                """);
        composeOk(dir, Map.of(), "up", "-d");
        String a = inspect("container", "recreate-a-1").get("Id").asText();
        String b = inspect("container", "recreate-b-1").get("Id").asText();
        ok("exec", "recreate-a-1", "sh", "-c", "echo kept > /data/file");
        Installation.Result same = composeOk(dir, Map.of(), "up", "-d");
        assertThat(same.err()).contains(" Container recreate-a-1  Running", " Container recreate-b-1  Running");
        assertThat(inspect("container", "recreate-a-1").get("Id").asText()).isEqualTo(a);

        Installation.Result changed = composeOk(dir, Map.of("X", "2"), "up", "-d");
        assertThat(changed.err()).contains(" Container recreate-a-1  Recreate", " Container recreate-a-1  Recreated",
                " Container recreate-b-1  Running");
        JsonNode recreated = inspect("container", "recreate-a-1");
        assertThat(recreated.get("Id").asText()).isNotEqualTo(a);
        assertThat(recreated.at("/Config/Env").toString()).contains("X=2");
        assertThat(inspect("container", "recreate-b-1").get("Id").asText()).isEqualTo(b);
        assertThat(ok("exec", "recreate-a-1", "cat", "/data/file").out()).isEqualTo("kept\n");
        assertThat(names("-a")).containsExactly("recreate-a-1", "recreate-b-1");

        composeOk(dir, Map.of("X", "2"), "up", "-d", "--force-recreate", "b");
        assertThat(inspect("container", "recreate-b-1").get("Id").asText()).isNotEqualTo(b);
        composeOk(dir, Map.of(), "down", "-v");
        assertThat(ok("volume", "ls", "-q").out()).isEmpty();
    }

    @Test
    void dependenciesAreWaitedForAndTheirFailuresNamed() throws Exception {
        Path dir = project("deps", """
                services:
                  migrate:
                    image: busybox
                    command: ["sh", "-c", "sleep 1; exit 0"]
                  app:
                    image: busybox
                    command: ["sleep", "300"]
                    depends_on:
                      migrate:
                        condition: service_completed_successfully
                  bad:
                    image: busybox
                    command: ["sh", "-c", "exit 7"]
                    profiles: [failing]
                  after-bad:
                    image: busybox
                    command: ["sleep", "300"]
                    profiles: [failing]
                    depends_on:
                      bad:
                        condition: service_completed_successfully
                  sick:
                    image: busybox
                    command: ["sleep", "300"]
                    profiles: [failing]
                    healthcheck:
                      test: ["CMD", "false"]
                      interval: 1s
                      retries: 1
                  after-sick:
                    image: busybox
                    command: ["sleep", "300"]
                    profiles: [failing]
                    depends_on:
                      sick:
                        condition: service_healthy
                """);
        composeOk(dir, Map.of(), "up", "-d");
        JsonNode migrate = inspect("container", "deps-migrate-1");
        JsonNode app = inspect("container", "deps-app-1");
        assertThat(migrate.at("/State/ExitCode").asInt()).isZero();
        assertThat(Instant.parse(app.at("/State/StartedAt").asText()))
                .isAfterOrEqualTo(Instant.parse(migrate.at("/State/FinishedAt").asText()));

        Installation.Result failing = compose(dir, Map.of(), "--profile", "failing", "up", "-d");
        assertThat(failing.status()).as(failing.err()).isEqualTo(1);
        assertThat(failing.err()).contains("service \"bad\" didn't complete successfully: exit 7\n")
                .contains("dependency failed to start: container deps-sick-1 is unhealthy\n");
        // What did start keeps running; what waited for the failures was never made.
        assertThat(names()).contains("deps-app-1", "deps-sick-1").doesNotContain("deps-after-bad-1", "deps-after-sick-1");
        assertThat(compose(dir, Map.of(), "up", "-d", "nosuch").err()).isEqualTo("Error: no such service: nosuch\n");
        composeOk(dir, Map.of(), "--profile", "failing", "down");
        assertThat(names("-a")).isEmpty();
        assertThat(ok("network", "ls", "--format", "{{.Name}}").out()).doesNotContain("deps_default");
    }

    @Test
    void aRunningProjectsContainersAreWorkedOnByService() throws Exception {
        Path dir = project("cmds", """
                services:
                  app:
                    image: busybox
                    command: ["sleep", "300"]
                    init: true
                    environment:
                      FROM_FILE: file
                """);
        composeOk(dir, Map.of(), "up", "-d");
        Installation.Result exec = compose(dir, Map.of("CALLER", "caller"), "exec", "-T", "-e", "CALLER", "app",
                "sh", "-c", "echo $FROM_FILE $CALLER; exit 3");
        assertThat(exec.status()).isEqualTo(3);
        assertThat(exec.out()).isEqualTo("file caller\n");
        Installation.Result run = composeOk(dir, Map.of(), "run", "--rm", "-T", "app", "echo", "one-off");
        assertThat(run.out()).isEqualTo("one-off\n");
        String detached = composeOk(dir, Map.of(), "run", "-d", "app", "sleep", "100").out().strip();
        assertThat(detached).matches("cmds-app-run-[0-9a-f]{12}");
        assertThat(inspect("container", detached).at("/Config/Labels/com.docker.compose.oneoff").asText()).isEqualTo("True");
        assertThat(composeOk(dir, Map.of(), "top", "app").out()).startsWith("cmds-app-1\n").contains("sleep 300");
        assertThat(composeOk(dir, Map.of(), "images").out()).containsPattern("cmds-app-1 +busybox +latest +[0-9a-f]{12}");

        composeOk(dir, Map.of(), "pause", "app");
        assertThat(ok("inspect", "--format", "{{.State.Status}}", "cmds-app-1").out()).isEqualTo("paused\n");
        composeOk(dir, Map.of(), "unpause", "app");
        composeOk(dir, Map.of(), "kill", "app");
        // kill sends the signal (SIGKILL) and returns, as docker's: the container's end is waited for.
        assertThat(ok("wait", "cmds-app-1").out()).isEqualTo("137\n");
        composeOk(dir, Map.of(), "start");
        assertThat(ok("inspect", "--format", "{{.State.Status}}", "cmds-app-1").out()).isEqualTo("running\n");
        assertThat(composeOk(dir, Map.of(), "restart", "-t", "1").err()).contains(" Container cmds-app-1  Started");
        assertThat(composeOk(dir, Map.of(), "ls", "-a").out()).containsPattern("cmds +running\\(2\\)");

        // Without the file: the project by name, from its labels.
        Path elsewhere = Files.createDirectories(berth.root.resolveSibling("elsewhere"));
        assertThat(compose(elsewhere, Map.of(), "ps").err()).contains("no configuration file provided: not found");
        assertThat(compose(elsewhere, Map.of(), "-p", "cmds", "ps", "-a", "--format", "{{.Name}}").out().lines().toList())
                .containsExactly("cmds-app-1", detached);
        composeOk(elsewhere, Map.of(), "-p", "cmds", "down");
        assertThat(names("-a")).isEmpty();
    }

    @Test
    void attachedUpFollowsLogsAndEventsAndImagesGoThroughARegistryFromStandardInput() throws Exception {
        Path dir = project("attach", """
                services:
                  talker:
                    image: busybox
                    init: true
                    command: ["sh", "-c", "i=0; while true; do echo tick $$i; i=$$((i+1)); sleep 0.2; done"]
                    healthcheck: {test: ["CMD", "true"], interval: 1s, start_interval: 1s}
                  once:
                    image: busybox
                    command: ["echo", "done"]
                """);
        Path events = dir.resolve("events.out");
        Path attached = dir.resolve("up.out");
        Path attachedErr = dir.resolve("up.err");
        Path follow = dir.resolve("logs.out");
        Process eventsClient = berth.inDirectory(dir, Map.of(), "compose", "events", "--json").redirectErrorStream(true)
                .redirectOutput(events.toFile()).start();
        Process up = null;
        Process logs = null;
        try {
            // Subscribed once a first event of the project comes through.
            Conditions.await("compose events subscribed", Duration.ofSeconds(30), () -> {
                composeOk(dir, Map.of(), "up", "-d", "once");
                if (Files.readString(events).contains("\"service\":\"once\"")) {
                    return true;
                }
                composeOk(dir, Map.of(), "rm", "-f", "-s", "once");
                return false;
            });
            up = berth.inDirectory(dir, Map.of(), "compose", "up").redirectOutput(attached.toFile())
                    .redirectError(attachedErr.toFile()).start();
            Conditions.await("the attached logs of both services", Duration.ofSeconds(30), () -> {
                String out = Files.readString(attached);
                return out.contains("once-1 exited with code 0") && out.contains("talker-1 | tick 3");
            });
            assertThat(Files.readString(attachedErr)).contains(
                    "WARN[0000] services.talker.healthcheck.start_interval is not supported by Berth and is ignored");
            List<String> lines = Files.readAllLines(attached);
            assertThat(lines.get(0)).isEqualTo("Attaching to once-1, talker-1");
            assertThat(lines).contains("once-1   | done", "talker-1 | tick 0", "talker-1 | tick 1");

            logs = berth.inDirectory(dir, Map.of(), "compose", "logs", "-f", "--tail", "1", "talker").redirectErrorStream(true)
                    .redirectOutput(follow.toFile()).start();
            Process following = logs;
            // Live: more lines come after the one --tail gave.
            Conditions.await("logs -f following talker", Duration.ofSeconds(30),
                    () -> Files.readAllLines(follow).size() >= 3);
            assertThat(Files.readAllLines(follow)).allMatch(l -> l.matches("talker-1 \\| tick [0-9]+"));

            // ^C: the project stops gracefully, and logs -f ends with it.
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor()).isZero();
            assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(up.exitValue()).isEqualTo(130);
            assertThat(Files.readString(attachedErr)).contains("Gracefully stopping... (press Ctrl+C again to force)",
                    " Container attach-talker-1  Stopped");
            assertThat(following.waitFor(30, TimeUnit.SECONDS)).as("logs -f ends when talker stops").isTrue();
            assertThat(following.exitValue()).isZero();
            Conditions.await("talker's stop event", Duration.ofSeconds(30),
                    () -> Files.readString(events).contains("\"action\":\"stop\""));
            List<JsonNode> seen = new ArrayList<>();
            for (String line : Files.readAllLines(events)) {
                seen.add(JSON.readTree(line));
            }
            assertThat(seen).allMatch(e -> e.path("type").asText().equals("container"));
            assertThat(seen.stream().filter(e -> e.path("service").asText().equals("talker")).map(e -> e.path("action").asText()))
                    .containsSubsequence("create", "start", "kill", "die", "stop");
            assertThat(seen).anyMatch(e -> e.path("attributes").path("name").asText().equals("attach-talker-1"));

            // Colours as v2's when asked for (--ansi always), the first prefix cyan; none without.
            assertThat(composeOk(dir, Map.of(), "--ansi", "always", "logs", "--tail", "1", "talker").out())
                    .startsWith("\033[36mtalker-1 | \033[0mtick ");
            assertThat(composeOk(dir, Map.of(), "logs", "--tail", "1", "talker").out()).startsWith("talker-1 | tick ");
        } finally {
            for (Process p : new Process[] {up, logs, eventsClient}) {
                if (p != null) {
                    p.destroy();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
        composeOk(dir, Map.of(), "down");

        // pull and push through a registry on loopback, the project given on standard input (-f -).
        try (LocalRegistry registry = new LocalRegistry(Files.createDirectories(dir.resolve("registry")))) {
            String image = registry.host() + "/attach/app:1";
            byte[] file = ("services:\n  app:\n    image: " + image + "\n    command: [\"true\"]\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ok("tag", "busybox:latest", image);
            String id = ok("image", "inspect", "--format", "{{.Id}}", image).out();
            Installation.Result push = berth.runIn(dir, Map.of(), file, "compose", "-f", "-", "push");
            assertThat(push.status()).as(push.err()).isZero();
            ok("rmi", image);
            Installation.Result pull = berth.runIn(dir, Map.of(), file, "compose", "-f", "-", "pull");
            assertThat(pull.status()).as(pull.err()).isZero();
            assertThat(pull.err()).contains(" app Pulled");
            assertThat(ok("image", "inspect", "--format", "{{.Id}}", image).out()).isEqualTo(id);
            Installation.Result config = berth.runIn(dir, Map.of(), file, "compose", "-f", "-", "config", "--images");
            assertThat(config.out()).isEqualTo(image + "\n");
            ok("rmi", image);
        }
    }
}
