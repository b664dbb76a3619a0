package io.berth.itests;

import io.berth.api.ProgressListener;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.event.EventTopics;
import io.berth.api.image.ImageStore;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import javax.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

/**
 * The engine's events on OSGi Event Admin, as an embedder's bundle sees them: this test's probe
 * bundle registers an {@link EventHandler} for {@code berth/*} in the distribution's framework
 * (with its Event Admin) and gets an image's load and a container's life, with their properties.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EventAdminPaxIT {
    @Inject
    private BundleContext context;

    @Inject
    private ImageStore images;

    @Inject
    private ContainerService containers;

    @Configuration
    public Option[] config() throws IOException {
        return PlatformPaxIT.distributionWithBusybox();
    }

    @Test
    public void theEnginesEventsArriveOnEventAdmin() throws Exception {
        PlatformPaxIT.requireRoot();
        BlockingQueue<Event> received = new LinkedBlockingQueue<>();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, EventTopics.PREFIX + "*");
        ServiceRegistration<EventHandler> registration = context.registerService(EventHandler.class, received::add, properties);
        try {
            try (InputStream in = Files.newInputStream(Path.of(System.getProperty("berth.test.busybox")))) {
                images.load(in, ProgressListener.NONE);
            }
            Container c = containers.create(CreateRequest.builder("busybox").name("evadmin").command("sh", "-c", "exit 3")
                    .host(HostConfig.builder().networkMode("none").build()).build());
            assertEquals(Integer.valueOf(3), containers.start(c.id()).get(60, TimeUnit.SECONDS));
            containers.remove(c.id(), false);

            List<Event> events = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (events.stream().noneMatch(e -> e.getTopic().equals("berth/container/destroy"))) {
                Event e = received.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertNotNull("berth/container/destroy within 30 s; got " + topics(events), e);
                events.add(e);
            }
            assertTrue(topics(events).toString(), topics(events).contains("berth/image/load"));
            List<String> life = topics(events).stream().filter(t -> t.startsWith("berth/container/")).toList();
            assertEquals(List.of("berth/container/create", "berth/container/start", "berth/container/die",
                    "berth/container/destroy"), life);
            Event die = events.stream().filter(e -> e.getTopic().equals("berth/container/die")).findFirst().orElseThrow();
            assertEquals(3, die.getProperty(EventTopics.EXIT_CODE));
            assertEquals("container", die.getProperty(EventTopics.TYPE));
            assertEquals("die", die.getProperty(EventTopics.ACTION));
            assertEquals(c.id(), die.getProperty(EventTopics.ID));
            assertEquals("evadmin", die.getProperty(EventTopics.NAME));
            assertEquals("busybox", die.getProperty("image"));
            assertTrue(die.getProperty(EventConstants.TIMESTAMP) instanceof Long);
        } finally {
            registration.unregister();
        }
    }

    private static List<String> topics(List<Event> events) {
        return events.stream().map(Event::getTopic).toList();
    }
}
