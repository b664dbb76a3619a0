package io.berth.shell.internal.output;

import io.berth.api.container.Container;
import io.berth.views.ContainerView;
import io.berth.views.Times;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Containers as docker's CLI prints them in {@code ps}: its rows, keyed by the fields of {@code --format}. */
public final class ContainerRows {
    private ContainerRows() {
    }

    /** The command as docker's API lists it: the path and arguments joined by spaces. */
    public static String command(Container c) {
        return String.join(" ", c.command());
    }

    /**
     * A row of {@code ps}, keyed by the field names of docker's {@code --format}.
     *
     * @param virtualSize the image's size plus the writable layer's, or -1 when sizes are not shown
     */
    public static Map<String, Object> row(Container c, boolean noTrunc, long virtualSize, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        String command = command(c);
        m.put("Command", quote(noTrunc ? command : Units.ellipsis(command, 20)));
        m.put("CreatedAt", Units.goTime(c.created()));
        m.put("ID", noTrunc ? c.id() : c.id().substring(0, 12));
        m.put("Image", c.image());
        List<String> labels = new ArrayList<>();
        new TreeMap<>(c.labels()).forEach((k, v) -> labels.add(k + "=" + v));
        m.put("Labels", String.join(",", labels));
        m.put("LocalVolumes", "0");
        m.put("Mounts", "");
        m.put("Names", c.name());
        m.put("Networks", "none");
        m.put("Ports", "");
        m.put("RunningFor", Times.ago(c.created(), now));
        m.put("Size", c.sizeRw() < 0 ? "" : Units.humanSize(c.sizeRw()) + " (virtual " + Units.humanSize(virtualSize) + ")");
        m.put("State", c.state().status().label());
        m.put("Status", ContainerView.status(c.state(), now));
        return m;
    }

    /** Go's strconv.Quote, as docker quotes the COMMAND column. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        b.append(String.format("\\x%02x", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
        });
        return b.append('"').toString();
    }
}
