package io.berth.itests;

import io.berth.testing.Requirements;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container's bytes through bin/berth, on every runtime: its output through {@code run},
 * {@code start -a}, {@code logs} and {@code exec} byte for byte (every byte value, several
 * megabytes of random bytes, a tar and a gzip stream); binary input through {@code run -i} and
 * {@code exec -i} byte for byte, detach keys included, for those apply only with a terminal.
 */
class StreamsIT extends DaemonWithBusybox {
    /** Every byte value, twice: invalid UTF-8 sequences, NULs, lone continuation bytes, no final newline. */
    private static final byte[] ALL = new byte[512];
    /** Ctrl-P Ctrl-Q, docker's detach keys, in the middle of text. */
    private static final byte[] KEYS = "abc\u0010\u0011def".getBytes(StandardCharsets.US_ASCII);

    static {
        for (int i = 0; i < ALL.length; i++) {
            ALL[i] = (byte) i;
        }
    }

    /** Random bytes of a fixed seed, a little over 6 MiB: many 64 KiB chunks, some detach keys among them. */
    private final byte[] big = random(6 * 1024 * 1024 + 4321);

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(20).nextBytes(b);
        return b;
    }

    /** An image "payload": busybox with /data/all.bin and /data/big.bin, copied in and committed. */
    @BeforeEach
    void payload() throws Exception {
        Path data = Files.createDirectories(berth.root.resolveSibling("payload/data"));
        Files.write(data.resolve("all.bin"), ALL);
        Files.write(data.resolve("big.bin"), big);
        ok("create", "--name", "payload-source", "busybox", "true");
        ok("cp", data.toString(), "payload-source:/data");
        ok("commit", "payload-source", "payload");
        ok("rm", "payload-source");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static String md5(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
    }

    /**
     * Asserts two byte arrays are equal, saying where they first differ rather than printing
     * megabytes.
     */
    private static void assertSameBytes(String what, byte[] actual, byte[] expected) {
        int n = Math.min(actual.length, expected.length);
        int first = 0;
        while (first < n && actual[first] == expected[first]) {
            first++;
        }
        if (first < n || actual.length != expected.length) {
            throw new AssertionError(what + ": " + actual.length + " bytes, expected " + expected.length
                    + "; first difference at byte " + first);
        }
    }

    @Test
    void outputThroughRunStartAttachLogsAndExecIsByteForByte() throws Exception {
        byte[] out = concat(ALL, big);
        for (String runtime : runtimes()) {
            String name = "out-" + runtime;
            Installation.Result run = ok("run", "--name", name, "--runtime", runtime, "payload", "sh", "-c",
                    "cat /data/all.bin /data/big.bin; cat /data/all.bin >&2");
            assertSameBytes(runtime + ": run's stdout", run.stdout(), out);
            assertSameBytes(runtime + ": run's stderr", run.stderr(), ALL);

            Installation.Result logs = ok("logs", name);
            assertSameBytes(runtime + ": logs' stdout", logs.stdout(), out);
            assertSameBytes(runtime + ": logs' stderr", logs.stderr(), ALL);

            Installation.Result again = ok("start", "-a", name);
            assertSameBytes(runtime + ": start -a's stdout", again.stdout(), out);
            assertSameBytes(runtime + ": start -a's stderr", again.stderr(), ALL);
            assertSameBytes(runtime + ": the log of both runs", ok("logs", name).stdout(), concat(out, out));

            String id = ok("run", "-d", "--runtime", runtime, "payload", "sleep", "300").out().strip();
            assertSameBytes(runtime + ": exec's stdout", ok("exec", id, "cat", "/data/all.bin", "/data/big.bin").stdout(), out);
            Installation.Result toStderr = ok("exec", id, "sh", "-c", "cat /data/all.bin >&2");
            assertSameBytes(runtime + ": exec's stderr", toStderr.stderr(), ALL);
            assertThat(toStderr.stdout()).isEmpty();
            ok("rm", "-f", id, name);
        }
    }

    @Test
    void aTarOrGzipStreamFromRunIsGood() throws Exception {
        Path tar = Requirements.which("tar");
        Requirements.require(tar != null, "tar is not installed (apt-get install tar)");
        for (String runtime : runtimes()) {
            // The backup docker users make: berth run IMG tar -cf - /data > backup.tar
            Installation.Result backup = ok("run", "--rm", "--runtime", runtime, "payload", "tar", "-cf", "-", "-C", "/data", ".");
            Path archive = berth.root.resolveSibling("backup-" + runtime + ".tar");
            Files.write(archive, backup.stdout());
            Path restored = Files.createDirectories(berth.root.resolveSibling("restored-" + runtime));
            Process p = new ProcessBuilder(tar.toString(), "-xf", archive.toString(), "-C", restored.toString())
                    .redirectErrorStream(true).start();
            String tarOutput = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(runtime + ": tar -x of the backup: " + tarOutput).isZero();
            assertSameBytes(runtime + ": all.bin from the backup", Files.readAllBytes(restored.resolve("all.bin")), ALL);
            assertSameBytes(runtime + ": big.bin from the backup", Files.readAllBytes(restored.resolve("big.bin")), big);

            Installation.Result gzip = ok("run", "--rm", "--runtime", runtime, "payload", "gzip", "-c", "/data/big.bin");
            try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip.stdout()))) {
                assertSameBytes(runtime + ": big.bin through gzip", in.readAllBytes(), big);
            }
        }
    }

    @Test
    void binaryInputThroughRunAndExecIsByteForByteDetachKeysIncluded() throws Exception {
        byte[] in = concat(KEYS, big, KEYS);
        String sum = md5(in) + "  -\n";
        Map<String, String> env = Map.of("BERTH_HOST", berth.host());
        for (String runtime : runtimes()) {
            Installation.Result md5 = berth.run(env, in, "run", "-i", "--rm", "--runtime", runtime, "busybox", "md5sum");
            assertThat(md5.status()).as(runtime + ": " + md5.err()).isZero();
            assertThat(md5.out()).as(runtime + ": md5sum of run -i's input").isEqualTo(sum);
            Installation.Result cat = berth.run(env, in, "run", "-i", "--rm", "--runtime", runtime, "busybox", "cat");
            assertThat(cat.status()).as(runtime + ": " + cat.err()).isZero();
            assertSameBytes(runtime + ": run -i cat", cat.stdout(), in);
            Installation.Result od = berth.run(env, KEYS, "run", "-i", "--rm", "--runtime", runtime, "busybox", "od", "-An", "-c");
            assertThat(od.out()).as(runtime + ": od -c of abc^P^Qdef").isEqualTo("   a   b   c 020 021   d   e   f\n");

            String id = ok("run", "-d", "--runtime", runtime, "busybox", "sleep", "300").out().strip();
            Installation.Result exec = berth.run(env, in, "exec", "-i", id, "md5sum");
            assertThat(exec.status()).as(runtime + ": " + exec.err()).isZero();
            assertThat(exec.out()).as(runtime + ": md5sum of exec -i's input").isEqualTo(sum);
            Installation.Result count = berth.run(env, in, "exec", "-i", id, "wc", "-c");
            assertThat(count.out().strip()).as(runtime + ": wc -c of exec -i's input").isEqualTo(Integer.toString(in.length));
            ok("rm", "-f", id);
        }
    }

    @Test
    void detachKeysApplyWithATerminalAndRunTakesItsOwn() throws Exception {
        Installation.Result bad = berth.berth("run", "--rm", "--detach-keys", "ctrl-", "busybox", "true");
        assertThat(bad.status()).isEqualTo(125);
        assertThat(bad.err()).startsWith("Error: ").contains("ctrl-");
        assertThat(ok("ps", "-aq").out()).as("nothing created for a bad --detach-keys").isEmpty();

        try (TerminalSession t = new TerminalSession(berth.home.resolve("bin/berth")
                + " run -it --detach-keys ctrl-x,x --name keys busybox sh", 30, 100, Map.of("BERTH_HOST", berth.host()))) {
            int at = t.await("# ", 0);
            // docker's keys are not this session's: they reach the shell, which goes on.
            t.type("\u0010\u0011echo still-$((40+2))\r");
            at = t.await("still-42", at);
            t.type("\u0018x");
            assertThat(t.waitFor()).as("the client's status after detaching: " + t.screen()).isZero();
        }
        assertThat(ok("ps", "--filter", "name=keys", "--format", "{{.Status}}").out()).startsWith("Up");
        Conditions.await("the detached shell still answering", Duration.ofSeconds(10),
                () -> ok("exec", "keys", "echo", "ok").out().equals("ok\n"));
    }
}
