package io.berth.itests;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code events} as a stream: what happens while it runs comes out as it happens, in order; an
 * {@code --until} ahead ends it by itself; a client that goes ends its subscription. (What the
 * events are, their attributes and filters, FidelityIT compares with dockerd's.)
 */
class EventsIT extends DaemonWithBusybox {
    @Test
    void eventsComeOutAsTheyHappenUntilTheClientGoes() throws Exception {
        Path out = berth.root.resolveSibling("events.out");
        ProcessBuilder pb = new ProcessBuilder(berth.home.resolve("bin/berth").toString(), "events", "--format",
                "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}").redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("BERTH_HOST", berth.host());
        Process events = pb.start();
        try {
            // Subscribed once a first event comes through.
            Conditions.await("the events client subscribed", Duration.ofSeconds(30), () -> {
                berth.berth("volume", "create", "evprobe");
                berth.berth("volume", "rm", "evprobe");
                return Files.readString(out).contains("volume destroy");
            });
            ok("run", "--rm", "--name", "evone", "busybox", "true");
            ok("network", "create", "evnet");
            ok("network", "rm", "evnet");
            Conditions.await("the network's destroy event", Duration.ofSeconds(30),
                    () -> Files.readString(out).contains("network destroy evnet"));
            List<String> lines = Files.readAllLines(out).stream().filter(l -> !l.contains("evprobe")).toList();
            assertThat(lines).containsSubsequence("container create evone", "container attach evone", "network connect bridge",
                    "container start evone", "container die evone", "network disconnect bridge", "container destroy evone",
                    "network create evnet", "network destroy evnet");
        } finally {
            events.destroy();
            events.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(events.isAlive()).isFalse();
    }

    @Test
    void anUntilAheadEndsTheStreamByItself() throws Exception {
        Instant until = Instant.now().plusSeconds(4);
        ProcessBuilder pb = new ProcessBuilder(berth.home.resolve("bin/berth").toString(), "events", "--until",
                Long.toString(until.getEpochSecond()), "--filter", "type=container", "--format", "{{.Action}} {{.Actor.Attributes.name}}");
        pb.environment().put("BERTH_HOST", berth.host());
        Path out = berth.root.resolveSibling("until.out");
        Process events = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            ok("create", "--name", "evtwo", "busybox", "true");
            assertThat(events.waitFor(30, TimeUnit.SECONDS)).as("events ended at --until").isTrue();
            assertThat(events.exitValue()).isZero();
            assertThat(Files.readString(out)).contains("create evtwo\n");
        } finally {
            events.destroyForcibly();
        }
    }
}
