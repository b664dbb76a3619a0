package io.berth.benchmarks;

import io.berth.api.container.Container;
import io.berth.containers.internal.LocalContainerService;
import io.berth.containers.internal.TestEngine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code run --rm busybox true}, four ways, alternating round by round so that they share the
 * machine's state: Berth's engine from inside (create, start, wait, remove through the container
 * service, as the shell and the Docker API call it), {@code bin/berth run --rm busybox true}
 * against a running daemon (a whole client process), the same through driver-oci, {@code runc run}
 * and {@code crun run} of the same busybox root filesystem (whole processes), with umoci's config
 * and with the config Berth gives the runtime.
 *
 * <p>Usage: {@code RunTrue ROUNDS WORK_DIR BERTH_BIN RUNTIME_BUNDLE [SAME_CONFIG_DIR]}; {@code
 * BERTH_HOST} names the daemon; {@code SAME_CONFIG_DIR/runc} and {@code /crun}, where present, are
 * bundles of the config Berth itself hands that runtime, also run by the runtime alone; {@code
 * -DwarmUp=N} sets how many engine rounds warm the JIT first (200), {@code -Dgap=N} the idle pause
 * before each measured run (100 ms). Prints one line per way: median, mean, 90th percentile in
 * milliseconds, and the ratios
 * the issue sets targets for.
 */
public final class RunTrue {
    /** Engine rounds run, and not counted, before measuring (a quarter as many through bin/berth). */
    private static final int WARM_UP = Integer.getInteger("warmUp", 200);
    /** The pause before each measured run (not counted), in milliseconds: {@code -Dgap=N}. */
    private static final long GAP_MILLIS = Long.getLong("gap", 100);

    private RunTrue() {
    }

    private interface Way {
        void once(int round) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Path work = Path.of(args[1]);
        String berth = args[2];
        Path bundle = Path.of(args[3]);
        Path sameConfig = args.length > 4 ? Path.of(args[4]) : null;
        Files.createDirectories(work);
        try (TestEngine engine = new TestEngine(work.resolve("engine"))) {
            LocalContainerService service = engine.service();
            Map<String, Way> ways = new LinkedHashMap<>();
            ways.put("berth engine (in-process)", round -> {
                Container c = service.create(TestEngine.request(TestEngine.host(true), "true"));
                int code = service.start(c.id()).get(60, TimeUnit.SECONDS);
                check(code, "engine");
            });
            // --network none: as the runc and crun bundles, a namespace with only its loopback (the cost of a
            // network is measured by benchmarks/network.sh).
            ways.put("bin/berth run --rm", round -> check(run(berth, "run", "--rm", "--network", "none", "busybox", "true"),
                    "bin/berth"));
            List<String> runtimes = new ArrayList<>();
            for (String runtime : List.of("runc", "crun")) {
                if (Files.isExecutable(Path.of("/usr/sbin", runtime)) || Files.isExecutable(Path.of("/usr/bin", runtime))) {
                    runtimes.add(runtime);
                    // The same, with driver-oci running the OCI runtime under berth-shim.
                    ways.put("bin/berth --runtime " + runtime, round -> check(run(berth, "run", "--rm", "--network", "none",
                            "--runtime", runtime, "busybox", "true"), "bin/berth --runtime " + runtime));
                }
            }
            for (String runtime : runtimes) {
                Path state = Files.createDirectories(work.resolve(runtime + "-state"));
                ways.put(runtime + " run", round -> check(run(runtime, "--root", state.toString(), "run", "--bundle",
                        bundle.toString(), "bench-" + runtime + "-" + round), runtime));
                // The config Berth hands the runtime (docker's seccomp profile, masks, device rules...).
                Path same = sameConfig == null ? null : sameConfig.resolve(runtime);
                if (same != null && Files.exists(same.resolve("config.json"))) {
                    ways.put(runtime + " run, berth's config", round -> check(run(runtime, "--root", state.toString(), "run",
                            "--bundle", same.toString(), "bench-same-" + runtime + "-" + round), runtime + " (berth's config)"));
                }
            }
            // A daemon runs for long: its code is compiled by the JIT. Both Berth ways get there
            // first (the C programs need no warming), then five alternating rounds are not counted.
            for (int i = 0; i < WARM_UP; i++) {
                ways.get("berth engine (in-process)").once(i);
                if (i % 4 == 0) {
                    for (Map.Entry<String, Way> w : ways.entrySet()) {
                        if (w.getKey().startsWith("bin/berth")) {
                            w.getValue().once(i);
                        }
                    }
                }
            }
            Map<String, List<Double>> times = new LinkedHashMap<>();
            ways.keySet().forEach(k -> times.put(k, new ArrayList<>()));
            for (int round = -5; round < rounds; round++) {
                for (Map.Entry<String, Way> w : ways.entrySet()) {
                    // Each way starts from an idle machine, as a single `run` does: not right after
                    // another's cgroup.procs write, which leaves the kernel's cgroup lock ready for
                    // the next taker for a while (without it, the first taker waits for an RCU
                    // grace period, 10-20 ms here).
                    Thread.sleep(GAP_MILLIS);
                    long start = System.nanoTime();
                    w.getValue().once(round + 1000);
                    double ms = (System.nanoTime() - start) / 1e6;
                    if (round >= 0) {
                        times.get(w.getKey()).add(ms);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%-28s %10s %10s %10s%n", "way (" + rounds + " rounds)", "median ms", "mean ms",
                    "p90 ms");
            Map<String, Double> medians = new LinkedHashMap<>();
            for (Map.Entry<String, List<Double>> t : times.entrySet()) {
                List<Double> sorted = new ArrayList<>(t.getValue());
                sorted.sort(Double::compare);
                double median = sorted.get(sorted.size() / 2);
                double mean = sorted.stream().mapToDouble(Double::doubleValue).average().orElse(0);
                double p90 = sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.9)));
                medians.put(t.getKey(), median);
                System.out.printf(Locale.ROOT, "%-28s %10.1f %10.1f %10.1f%n", t.getKey(), median, mean, p90);
            }
            Double crun = medians.get("crun run");
            Double runc = medians.get("runc run");
            if (crun != null) {
                System.out.printf(Locale.ROOT, "engine / crun run       = %.2f (target <= 2)%n",
                        medians.get("berth engine (in-process)") / crun);
            }
            if (runc != null) {
                System.out.printf(Locale.ROOT, "bin/berth run / runc run = %.2f (target <= 1.5)%n",
                        medians.get("bin/berth run --rm") / runc);
            }
            for (String runtime : runtimes) {
                System.out.printf(Locale.ROOT, "bin/berth --runtime %s / %s run = %.2f%n", runtime, runtime,
                        medians.get("bin/berth --runtime " + runtime) / medians.get(runtime + " run"));
                Double same = medians.get(runtime + " run, berth's config");
                if (same != null) {
                    System.out.printf(Locale.ROOT, "bin/berth --runtime %s / %s run of berth's config = %.2f (target <= 1.3)%n",
                            runtime, runtime, medians.get("bin/berth --runtime " + runtime) / same);
                }
            }
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        if (code != 0) {
            System.err.println(String.join(" ", command) + ": " + new String(out));
        }
        return code;
    }

    private static void check(int code, String what) {
        if (code != 0) {
            throw new IllegalStateException(what + " exited with " + code);
        }
    }
}
