package io.berth.shim;

import io.berth.api.runtime.ContainerSpec;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Properties;

/** What the driver keeps of a spec in the state directory: the container's id, and the cgroup limits it needs again at start. */
final class ResourcesFile {
    /** What was kept; {@code id} is {@code null} in the file of a container an earlier Berth made (its id file has it). */
    record Decoded(String id, io.berth.api.runtime.Resources resources, boolean privileged) {
    }

    private ResourcesFile() {
    }

    static String encode(ContainerSpec spec) throws IOException {
        io.berth.api.runtime.Resources r = spec.resources();
        Properties p = new Properties();
        p.setProperty("memory", Long.toString(r.memory()));
        p.setProperty("memorySwap", Long.toString(r.memorySwap()));
        p.setProperty("cpuQuota", Long.toString(r.cpuQuota()));
        p.setProperty("cpuPeriod", Long.toString(r.cpuPeriod()));
        p.setProperty("cpuShares", Long.toString(r.cpuShares()));
        if (r.cpusetCpus() != null) {
            p.setProperty("cpusetCpus", r.cpusetCpus());
        }
        p.setProperty("pidsLimit", Long.toString(r.pidsLimit()));
        p.setProperty("privileged", Boolean.toString(spec.privileged()));
        p.setProperty("id", spec.id());
        StringWriter w = new StringWriter();
        p.store(w, null);
        return w.toString();
    }

    static Decoded decode(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return new Decoded(p.getProperty("id"), io.berth.api.runtime.Resources.builder().memory(Long.parseLong(p.getProperty("memory")))
                .memorySwap(Long.parseLong(p.getProperty("memorySwap"))).cpuQuota(Long.parseLong(p.getProperty("cpuQuota")))
                .cpuPeriod(Long.parseLong(p.getProperty("cpuPeriod"))).cpuShares(Long.parseLong(p.getProperty("cpuShares")))
                .cpusetCpus(p.getProperty("cpusetCpus")).pidsLimit(Long.parseLong(p.getProperty("pidsLimit"))).build(),
                Boolean.parseBoolean(p.getProperty("privileged")));
    }
}
