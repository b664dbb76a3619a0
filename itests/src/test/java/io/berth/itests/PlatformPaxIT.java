package io.berth.itests;

import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.driver.DriverType;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import javax.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.frameworkStartLevel;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

/**
 * Boots exactly the distribution's bundle set in Felix and checks the platform: every bundle
 * active, every DS component satisfied, Berth's commands registered, and drivers followed as their
 * bundles come and go.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PlatformPaxIT {
    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private CommandProcessor processor;

    @Inject
    private DriverRegistry drivers;

    @Configuration
    public Option[] config() throws IOException {
        return distribution();
    }

    /**
     * The distribution's bundle set with a busybox archive built outside the framework (where the
     * fixtures are on the class path), under target/, its path in {@code berth.test.busybox}.
     */
    static Option[] distributionWithBusybox() throws IOException {
        // Under target/, gone when this JVM exits (the framework runs in it).
        Path archive = Files.createTempFile(Files.createDirectories(Path.of("target")), "busybox", ".tar");
        archive.toFile().deleteOnExit();
        io.berth.testing.BusyboxImage.build().writeDockerArchive(archive, "busybox:latest");
        return distribution(org.ops4j.pax.exam.CoreOptions.systemProperty("berth.test.busybox").value(archive.toString()));
    }

    /** The distribution's bundle set, on a fresh engine root, plus {@code extra}. */
    static Option[] distribution(Option... extra) throws IOException {
        Path work = Files.createTempDirectory("berth-paxit");
        // Removed when the test JVM (which runs the framework in it) ends.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (java.util.stream.Stream<Path> paths = Files.walk(work)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // Best effort: a temporary directory.
            }
        }));
        Files.createDirectories(work.resolve("deploy"));
        Files.createDirectories(work.resolve("conf"));
        List<Option> options = new ArrayList<>();
        for (DistributionBundles.Entry e : DistributionBundles.entries()) {
            options.add(bundle(e.file().toUri().toString()).startLevel(e.startLevel()));
        }
        options.add(frameworkStartLevel(100));
        options.add(frameworkProperty("berth.root").value(work.resolve("root").toString()));
        options.add(frameworkProperty("berth.runRoot").value(work.resolve("run").toString()));
        options.add(frameworkProperty("gosh.args").value("--nointeractive"));
        options.add(frameworkProperty("gosh.home").value(DistributionBundles.home().resolve("conf/shell").toString()));
        options.add(frameworkProperty("felix.fileinstall.dir").value(work.resolve("conf") + "," + work.resolve("deploy")));
        options.add(frameworkProperty("felix.fileinstall.optionalImportRefreshScope").value("managed"));
        options.add(systemProperty("org.jline.terminal.dumb").value("true"));
        options.add(junitBundles());
        options.addAll(List.of(extra));
        return options.toArray(new Option[0]);
    }

    @Test
    public void everyDistributionBundleIsActive() {
        Set<String> expected = new TreeSet<>();
        for (DistributionBundles.Entry e : DistributionBundles.entries()) {
            expected.add(e.file().toUri().toString());
        }
        List<String> notActive = new ArrayList<>();
        Set<String> found = new TreeSet<>();
        for (Bundle b : context.getBundles()) {
            if (expected.contains(b.getLocation())) {
                found.add(b.getLocation());
                boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
                int wanted = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
                if (b.getState() != wanted) {
                    notActive.add(b.getSymbolicName() + " is in state " + b.getState());
                }
            }
        }
        assertEquals(expected, found);
        assertEquals(List.of(), notActive);
    }

    @Test
    public void everyComponentIsSatisfied() {
        List<String> problems = new ArrayList<>();
        int components = 0;
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!scr.isComponentEnabled(description)) {
                problems.add(description.name + " is disabled");
                continue;
            }
            for (ComponentConfigurationDTO config : scr.getComponentConfigurationDTOs(description)) {
                components++;
                if (config.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                        || config.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION
                        || config.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    problems.add(description.name + " is in state " + config.state
                            + (config.failure != null ? ": " + config.failure : ""));
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue("components: " + components, components >= 5);
    }

    @Test
    public void berthCommandsAreRegistered() throws Exception {
        Set<String> functions = new TreeSet<>();
        for (ServiceReference<?> ref : context.getServiceReferences((String) null, "(osgi.command.scope=berth)")) {
            Object f = ref.getProperty("osgi.command.function");
            if (f instanceof String s) {
                functions.add(s);
            } else if (f instanceof String[] a) {
                functions.addAll(List.of(a));
            }
        }
        assertTrue(functions.toString(), functions.containsAll(List.of("version", "info", "drivers", "help", "system", "driver")));
        String version = run("berth:version");
        assertTrue(version, version.contains("Version:") && version.contains("OSGi framework:"));
        String help = run("berth:help");
        assertTrue(help, help.contains("List runtime, storage, network and volume drivers"));
    }

    @Test
    public void aDriverBundleBuiltAtTestTimeIsListedAndGoesAwayWithItsBundle() throws Exception {
        String before = drivers.defaultName(DriverType.STORAGE);
        assertFalse(run("berth:drivers").contains("fake"));
        byte[] jar = TinyBundles.storageDriverBundle("io.berth.itests.fake", FakeStorageDriver.class, "fake", 0);
        Bundle fake = context.installBundle("test:fake-driver", new ByteArrayInputStream(jar));
        fake.start();
        try {
            Conditions.await("the fake driver in berth:drivers", Duration.ofSeconds(10), () -> run("berth:drivers").contains("fake"));
            String listing = run("berth:drivers");
            assertTrue(listing, java.util.regex.Pattern.compile(
                    "storage\\s+fake\\s+available\\s+io\\.berth\\.itests\\.fake 1\\.0\\.0").matcher(listing).find());
            assertNotNull(drivers.storage("fake"));

            // A higher ranked driver becomes the default; when it leaves, the previous default is again.
            byte[] better = TinyBundles.storageDriverBundle("io.berth.itests.better", FakeStorageDriver.class, "better", 1000);
            Bundle second = context.installBundle("test:better-driver", new ByteArrayInputStream(better));
            second.start();
            Conditions.await("the higher ranked driver as default", Duration.ofSeconds(10),
                    () -> "better".equals(drivers.defaultName(DriverType.STORAGE)));
            second.uninstall();
            Conditions.await("the fallback to the previous default", Duration.ofSeconds(10),
                    () -> java.util.Objects.equals(before, drivers.defaultName(DriverType.STORAGE)));
        } finally {
            fake.uninstall();
        }
        Conditions.await("the fake driver gone from berth:drivers", Duration.ofSeconds(10),
                () -> !run("berth:drivers").contains("fake"));
        assertTrue(drivers.drivers().stream().map(DriverInfo::name).noneMatch(n -> n.equals("fake") || n.equals("better")));
    }

    @Test
    public void bothStorageDriversWorkInTheFramework() {
        // overlay needs kernel support and root; vfs works anywhere.
        requireRoot();
        java.util.Set<String> available = new java.util.HashSet<>();
        drivers.drivers().stream().filter(d -> d.type() == DriverType.STORAGE
                && d.state() == io.berth.api.driver.DriverState.AVAILABLE).forEach(d -> available.add(d.name()));
        assertTrue(available.toString(), available.containsAll(List.of("overlay", "vfs")));
        assertEquals("overlay", drivers.defaultName(DriverType.STORAGE));
    }

    /**
     * Skips a test that needs root, or fails it under -Dberth.requirePrivileged=true. Inside the
     * framework the test-fixtures jar is not visible: its policy, stated again.
     */
    static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            if (Boolean.getBoolean("berth.requirePrivileged")) {
                throw new AssertionError("required but missing (-Dberth.requirePrivileged=true): root");
            }
            throw new org.junit.AssumptionViolatedException("skipped: needs root");
        }
    }

    private String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            Object result = session.execute(command);
            if (result != null) {
                print.println(session.format(result, 0));
            }
        } finally {
            session.close();
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
