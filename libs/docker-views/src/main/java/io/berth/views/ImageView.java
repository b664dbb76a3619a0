package io.berth.views;

import io.berth.api.image.ContainerConfig;
import io.berth.api.image.ImageConfig;
import io.berth.api.image.ImageDetails;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Images as docker's daemon gives them. */
public final class ImageView {
    private ImageView() {
    }

    /**
     * An entry of {@code GET /images/json} ({@code image.Summary}): times in unix seconds, the
     * counts docker leaves uncomputed as -1.
     */
    public static Map<String, Object> summary(io.berth.api.image.Image i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Containers", -1);
        m.put("Created", i.created() == null ? 0 : i.created().getEpochSecond());
        m.put("Id", i.id().toString());
        m.put("Labels", i.labels().isEmpty() ? null : new TreeMap<>(i.labels()));
        m.put("ParentId", i.parent() == null ? "" : i.parent().toString());
        m.put("RepoDigests", i.repoDigests());
        m.put("RepoTags", i.repoTags());
        m.put("SharedSize", -1);
        m.put("Size", i.size());
        m.put("VirtualSize", i.size());
        return m;
    }

    /** {@code docker image inspect}'s object ({@code GET /images/NAME/json}). */
    public static Map<String, Object> inspect(ImageDetails d) {
        ImageConfig c = d.config();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", d.image().id().toString());
        m.put("RepoTags", d.image().repoTags());
        m.put("RepoDigests", d.image().repoDigests());
        m.put("Parent", d.parent() == null ? "" : d.parent().toString());
        m.put("Comment", c.comment());
        m.put("Created", Times.rfc3339(c.created()));
        m.put("Container", c.container());
        m.put("ContainerConfig", ConfigView.of(c.containerConfig() == null ? ContainerConfig.EMPTY : c.containerConfig()));
        m.put("DockerVersion", c.dockerVersion());
        m.put("Author", c.author());
        m.put("Config", ConfigView.of(c.config()));
        m.put("Architecture", c.architecture());
        if (c.variant() != null) {
            m.put("Variant", c.variant());
        }
        m.put("Os", c.os());
        m.put("Size", d.image().size());
        m.put("VirtualSize", d.image().size());
        Map<String, Object> graph = new LinkedHashMap<>();
        graph.put("Data", d.graphData().isEmpty() ? null : new TreeMap<>(d.graphData()));
        graph.put("Name", d.storageDriver() == null ? "" : d.storageDriver());
        m.put("GraphDriver", graph);
        Map<String, Object> rootfs = new LinkedHashMap<>();
        rootfs.put("Type", "layers");
        List<String> layers = new ArrayList<>();
        c.diffIds().forEach(x -> layers.add(x.toString()));
        rootfs.put("Layers", layers);
        m.put("RootFS", rootfs);
        m.put("Metadata", Map.of("LastTagTime", Times.rfc3339(d.lastTagTime())));
        return m;
    }
}
