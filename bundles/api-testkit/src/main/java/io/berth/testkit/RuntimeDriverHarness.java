package io.berth.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.NotFoundException;
import io.berth.api.runtime.Attachment;
import io.berth.api.runtime.ContainerDefaults;
import io.berth.api.runtime.ContainerSpec;
import io.berth.api.runtime.LogSpec;
import io.berth.api.runtime.ProcessSpec;
import io.berth.api.runtime.RuntimeDriver;
import io.berth.api.runtime.RuntimeState;
import io.berth.api.runtime.RuntimeStatus;
import io.berth.api.runtime.User;
import io.berth.api.storage.Mount;
import io.berth.testing.BusyboxImage;
import io.berth.testing.Requirements;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link RuntimeDriverConformance}'s tests stand on: the driver under test, made on a
 * directory of the test's own, with a busybox root filesystem (the suite needs root); containers
 * of that filesystem with docker's defaults, removed after each test whatever it left them as; and
 * the container's output, from its json-file log or its attachment.
 */
public abstract class RuntimeDriverHarness {
    /** How long a test waits for a container's end or output. */
    protected static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A directory the test may use. */
    @TempDir
    protected Path tmp;
    /** The driver under test. */
    protected RuntimeDriver driver;
    /** The containers' root filesystem: the busybox image, unpacked. */
    protected Path rootfs;
    private final List<String> created = new ArrayList<>();

    /**
     * Makes the driver under test, keeping its state in {@code home}. Called again on the same
     * directory to check that a new instance (a restarted engine, a reinstalled driver) finds the
     * containers the first made.
     */
    protected abstract RuntimeDriver newDriver(Path home) throws IOException;

    @BeforeEach
    void setUpDriver() throws IOException {
        Requirements.require(Requirements.isRoot(), "containers need root");
        Requirements.require(BusyboxImage.available(), "busybox is not installed (apt-get install busybox-static)");
        rootfs = tmp.resolve("rootfs");
        BusyboxImage.build().writeRootfs(rootfs);
        driver = newDriver(tmp.resolve("home"));
    }

    @AfterEach
    void removeContainers() throws Exception {
        if (driver == null) {
            return;
        }
        for (String id : created) {
            try {
                RuntimeState s = driver.state(id);
                if (s.status() == RuntimeStatus.RUNNING || s.status() == RuntimeStatus.PAUSED) {
                    driver.kill(id, 9, true);
                    driver.await(id, Duration.ofSeconds(10));
                }
            } catch (NotFoundException e) {
                // Deleted by the test.
            }
            driver.delete(id);
        }
        if (driver instanceof AutoCloseable c) {
            c.close();
        }
        afterContainersRemoved();
    }

    /**
     * Called after each test once its containers are removed and the driver is closed: a driver's
     * test checks here that nothing is left (processes, cgroups, mounts of its own).
     */
    protected void afterContainersRemoved() throws Exception {
    }

    // ------------------------------------------------------------------ specs

    /** A new container id, removed after the test. */
    protected String newId() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        String id = HexFormat.of().formatHex(b);
        created.add(id);
        return id;
    }

    /** The process of a container running {@code command} as root in {@code /}. */
    protected static ProcessSpec.Builder process(String... command) {
        return ProcessSpec.builder().args(List.of(command)).env(List.of(ContainerDefaults.PATH, "HOSTNAME=test-host"))
                .cwd("/").user(User.ROOT).capabilities(ContainerDefaults.CAPABILITIES).noNewPrivileges(true);
    }

    /** A container of the busybox root filesystem running {@code process}, with docker's defaults. */
    protected ContainerSpec.Builder spec(ProcessSpec process) {
        String id = newId();
        return ContainerSpec.builder().id(id).rootfs(List.of(new Mount("bind", rootfs.toString(), null, List.of("rbind"))))
                .process(process).hostname("test-host").maskedPaths(ContainerDefaults.MASKED_PATHS)
                .readonlyPaths(ContainerDefaults.READONLY_PATHS).stateDir(tmp.resolve("state-" + id))
                .log(new LogSpec(tmp.resolve(id + "-json.log"), 0, 1));
    }

    /** A container running {@code command}. */
    protected ContainerSpec spec(String... command) {
        return spec(process(command).build()).build();
    }

    /** Creates, starts and waits for a container. */
    protected RuntimeState run(ContainerSpec spec) throws Exception {
        driver.create(spec);
        assertThat(driver.state(spec.id()).status()).isEqualTo(RuntimeStatus.CREATED);
        driver.start(spec.id());
        return driver.await(spec.id(), WAIT);
    }

    /** What the container wrote on a stream ({@code stdout}, {@code stderr}), from its json-file log. */
    protected static String output(ContainerSpec spec, String stream) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(spec.log().path(), StandardCharsets.UTF_8)) {
            JsonNode entry = JSON.readTree(line);
            assertThat(entry.has("time")).as("a json-file entry has its time: %s", line).isTrue();
            if (stream == null || entry.get("stream").asText().equals(stream)) {
                out.append(entry.get("log").asText());
            }
        }
        return out.toString();
    }

    /** Everything the container wrote, both streams, from its json-file log. */
    protected static String output(ContainerSpec spec) throws IOException {
        return output(spec, null);
    }

    // ------------------------------------------------------------------ attachments

    /** Writes text to an attachment's input. */
    protected static void type(Attachment a, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        a.write(b, 0, b.length);
    }

    /** Reads output into {@code seen} until {@code expected} has come; fails after a while. */
    protected static String readUntil(Attachment a, StringBuilder seen, String expected) throws Exception {
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "conformance-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<String> f = reader.submit(() -> {
                while (!seen.toString().contains(expected)) {
                    Attachment.Output o = a.next();
                    if (o == null) {
                        break;
                    }
                    seen.append(new String(o.data(), StandardCharsets.UTF_8));
                }
                return seen.toString();
            });
            String out = f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(out).contains(expected);
            return out;
        } finally {
            reader.shutdownNow();
        }
    }

    /** Reads an attachment's output to its end. */
    protected static String drain(Attachment a) throws IOException {
        StringBuilder out = new StringBuilder();
        for (Attachment.Output o; (o = a.next()) != null; ) {
            out.append(new String(o.data(), StandardCharsets.UTF_8));
        }
        return out.toString();
    }
}
