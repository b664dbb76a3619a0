package io.berth.itests;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@link TestcontainersIT} has Testcontainers do, in a JVM of its own: Testcontainers reads
 * {@code DOCKER_HOST} and its switches from the environment when it loads, which a test cannot set in
 * its own JVM. Each check prints a line; any failure is an exception and a non-zero exit.
 */
public final class TestcontainersScenario {
    private TestcontainersScenario() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path in = Files.writeString(work.resolve("in.txt"), "copied in\n");
        String serve = "mkdir -p /www && echo served > /www/index.html && exec httpd -f -p 8080 -h /www";
        try (Network network = Network.newNetwork();
             GenericContainer<?> web = new GenericContainer<>("busybox:latest")
                     .withCommand("sh", "-c", "echo web starting; " + serve)
                     .withExposedPorts(8080)
                     .withNetwork(network)
                     .withNetworkAliases("web")
                     .withCopyFileToContainer(MountableFile.forHostPath(in), "/tmp/in.txt")
                     .waitingFor(Wait.forHttp("/").forStatusCode(200))) {
            web.start();
            String url = "http://" + web.getHost() + ":" + web.getMappedPort(8080) + "/";
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            check("http " + page.body().strip(), page.body().equals("served\n"));
            var exec = web.execInContainer("sh", "-c", "cat /tmp/in.txt; echo to-stderr >&2; exit 3");
            check("exec " + exec.getExitCode() + " " + exec.getStdout().strip() + " " + exec.getStderr().strip(),
                    exec.getExitCode() == 3 && exec.getStdout().equals("copied in\n") && exec.getStderr().equals("to-stderr\n"));
            String out = web.copyFileFromContainer("/www/index.html", s -> new String(s.readAllBytes(), StandardCharsets.UTF_8));
            check("copied out " + out.strip(), out.equals("served\n"));
            check("logs " + web.getLogs().lines().findFirst().orElse(""), web.getLogs().startsWith("web starting\n"));
            try (GenericContainer<?> client = new GenericContainer<>("busybox:latest")
                    .withNetwork(network)
                    .withCommand("sh", "-c", "wget -q -O - http://web:8080/ && sleep 300")
                    .waitingFor(Wait.forLogMessage("served\\n", 1))) {
                client.start();
                check("by alias " + client.getLogs().strip(), client.getLogs().equals("served\n"));
            }
        }
        System.out.println("testcontainers: all checks passed");
    }

    private static void check(String what, boolean ok) {
        System.out.println((ok ? "ok " : "FAILED ") + what);
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
