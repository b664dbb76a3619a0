package io.berth.views;

import io.berth.api.InvalidArgumentException;
import io.berth.api.container.ContainerService;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code top}: the host's {@code ps} over a container's processes, as docker's daemon runs it
 * ({@code ps -ef} unless other options are given), its columns and the rows of the container's
 * pids ({@code container.ContainerTopOKBody}: {@code Titles}, {@code Processes}).
 */
public final class Processes {
    private Processes() {
    }

    /** The columns and the container's rows. */
    public record Top(List<String> titles, List<List<String>> processes) {
        /** As the API answers it. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Titles", titles);
            m.put("Processes", processes);
            return m;
        }
    }

    public static Top top(ContainerService containers, String container, List<String> psArgs)
            throws IOException, InterruptedException {
        List<Integer> pids = containers.pids(container);
        List<String> command = new ArrayList<>();
        command.add("ps");
        command.addAll(psArgs.isEmpty() ? List.of("-ef") : psArgs);
        // As docker's: ps is asked for the container's processes (-q PID,…), whatever options were
        // given (-o alone lists only ps's own session); options that cannot go with -q (f), without.
        List<String> selected = new ArrayList<>(command);
        selected.add("-q");
        selected.add(String.join(",", pids.stream().map(String::valueOf).toList()));
        List<String> lines = new ArrayList<>();
        if (pids.isEmpty() || runPs(selected, lines) != 0) {
            lines.clear();
            if (runPs(command, lines) != 0 || lines.isEmpty()) {
                throw new InvalidArgumentException("ps: " + String.join("\n", lines));
            }
        }
        String[] header = lines.get(0).strip().split("\\s+");
        int pidColumn = List.of(header).indexOf("PID");
        if (pidColumn < 0) {
            throw new InvalidArgumentException("Couldn't find PID field in ps output");
        }
        Set<String> wanted = new HashSet<>();
        pids.forEach(x -> wanted.add(Integer.toString(x)));
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.strip().split("\\s+", header.length);
            if (fields.length > pidColumn && wanted.contains(fields[pidColumn])) {
                rows.add(List.of(fields));
            }
        }
        return new Top(List.of(header), rows);
    }

    /** Runs ps, its output's lines into {@code lines}; its exit status. */
    private static int runPs(List<String> command, List<String> lines) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                lines.add(l);
            }
        }
        return p.waitFor();
    }
}
