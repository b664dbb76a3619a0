package io.berth.itests;

import io.berth.api.ProgressListener;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.ContainerStatus;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.image.ImageStore;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import javax.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

/**
 * Berth's page in the Felix Web Console, in a real browser: the distribution's bundles with Felix's
 * HTTP service (Jetty) and Web Console on a loopback port, and Berth's plugin; Debian's Chromium,
 * headless, logs in, sees a running container on the page, stops it with the page's button, sees
 * it exited, and the page is kept as a screenshot with the test reports
 * ({@code target/failsafe-reports/webconsole-berth.png}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WebConsolePaxIT {
    @Inject
    private ImageStore images;

    @Inject
    private ContainerService containers;

    @Configuration
    public Option[] config() throws IOException {
        List<Option> extra = new ArrayList<>();
        Path dir = Path.of(System.getProperty("berth.webconsole.bundles", "target/webconsole-bundles"));
        try (var jars = Files.list(dir)) {
            for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).sorted().toList()) {
                extra.add(bundle(jar.toUri().toString()).startLevel(30));
            }
        }
        extra.add(bundle(Path.of(System.getProperty("berth.webconsole.plugin")).toUri().toString()).startLevel(60));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        extra.add(frameworkProperty("org.osgi.service.http.port").value(Integer.toString(port)));
        extra.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        extra.add(systemProperty("berth.test.http.port").value(Integer.toString(port)));
        extra.add(systemProperty("berth.test.reports").value(Path.of("target/failsafe-reports").toAbsolutePath().toString()));
        Option[] withBusybox = PlatformPaxIT.distributionWithBusybox();
        List<Option> all = new ArrayList<>(List.of(withBusybox));
        all.addAll(extra);
        return all.toArray(new Option[0]);
    }

    @Test
    public void thePageShowsAContainerAndItsStopButtonStopsIt() throws Exception {
        PlatformPaxIT.requireRoot();
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("berth.test.busybox")))) {
            images.load(in, ProgressListener.NONE);
        }
        Container c = containers.create(CreateRequest.builder("busybox").name("webc1").command("sleep", "300")
                .host(HostConfig.builder().networkMode("none").build()).build());
        containers.start(c.id());
        Path reports = Files.createDirectories(Path.of(System.getProperty("berth.test.reports")));
        Path profile = Files.createTempDirectory("berth-chromium");
        try (HeadlessChromium browser = new HeadlessChromium(profile.resolve("profile"))) {
            // The Web Console's login (admin/admin, its default), as the browser would send it.
            browser.call("Network.enable", Map.of());
            browser.call("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Basic "
                    + java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
            browser.call("Page.enable", Map.of());
            browser.call("Page.navigate", Map.of("url", "http://127.0.0.1:" + System.getProperty("berth.test.http.port")
                    + "/system/console/berth"));
            String row = "document.querySelector('tr[data-container=\"webc1\"]')";
            Conditions.await("webc1 running on the page", Duration.ofSeconds(60), () ->
                    "running".equals(browser.evaluate(row + " && " + row + ".getAttribute('data-state')").asText()));
            assertTrue(browser.evaluate(row + ".textContent").asText(), browser.evaluate(row + ".textContent").asText()
                    .contains("busybox"));
            assertTrue(browser.evaluate("document.querySelector('#berth-images').textContent").asText()
                    .contains("busybox:latest"));
            assertTrue(browser.evaluate("document.querySelector('#berth-drivers').textContent").asText()
                    .contains("overlay"));

            browser.evaluate(row + ".querySelector('button[data-action=\"stop\"]').click()");
            Conditions.await("webc1 stopped by the page's button", Duration.ofSeconds(60),
                    () -> containers.get(c.id()).state().status() == ContainerStatus.EXITED);
            Conditions.await("webc1 exited on the page", Duration.ofSeconds(30), () ->
                    "exited".equals(browser.evaluate(row + ".getAttribute('data-state')").asText()));
            assertEquals("", browser.evaluate("document.getElementById('berth-error').textContent").asText());
            Files.write(reports.resolve("webconsole-berth.png"), browser.screenshot());
        } finally {
            containers.remove(c.id(), true);
            new ProcessBuilder("rm", "-rf", "--", profile.toString()).start().waitFor();
        }
    }
}
